using Course.Grader.Run;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Run;

/// <summary>
/// An exception thrown by the code a test calls leads its message with where it was thrown; TorchSharp's two terse ones (a
/// tensor kept for a later call and freed by the dispose scope of the test that made it, a tensor read as another .NET
/// type than its dtype) say what happened and what to do instead.
/// </summary>
public class ThrownExceptionTests
{
    static readonly RunLimits Limits = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(120), 2048);

    const string Homework = """
        using System;
        using static TorchSharp.torch;

        namespace Tiny.Homework;

        public static class Cached
        {
            static Tensor? table;

            public static Tensor Identity(long n)
            {
                table ??= eye(n);
                return table.clone();
            }

            public static double Mean(Tensor x) => x.mean().item<double>();

            public static int Length(string? text) => text!.Length;

            public static int Stub() => throw new NotImplementedException("Cached.Stub: not started");
        }
        """;

    // NUnit runs a fixture's tests in name order; TorchTest gives each test a dispose scope, as the homeworks' tests have.
    const string Tests = """
        using Course.Testing;
        using NUnit.Framework;
        using TorchSharp;
        using Tiny.Homework;
        using static TorchSharp.torch;

        namespace Tiny.Homework.Tests;

        public class CacheTests : TorchTest
        {
            [Test]
            public void A_MakesTheTable() => Assert.That(Cached.Identity(3).sum().ToDouble(), Is.EqualTo(3));

            [Test]
            public void B_UsesTheTableAgain() => Assert.That(Cached.Identity(3).sum().ToDouble(), Is.EqualTo(3));

            [Test]
            public void C_ReadsAFloat32MeanAsDouble() => Assert.That(Cached.Mean(ones(3)), Is.EqualTo(1));

            [Test]
            public void D_TakesTheLengthOfNull() => Assert.That(Cached.Length(null), Is.EqualTo(0));

            [Test]
            public void E_CallsAStub() => Assert.That(Cached.Stub(), Is.EqualTo(0));
        }
        """;

    [Test]
    public async Task Given_exceptions_thrown_in_homework_code_When_run_Then_each_message_leads_with_the_line_and_TorchSharps_terse_ones_are_explained()
    {
        var run = await TinyHomework.RunAsync(Homework, Tests, Limits);

        Assert.That(run.Single("A_MakesTheTable").Outcome, Is.EqualTo(TestOutcome.Passed));
        Assert.That(run.Tests.Where(t => t.Test.Name != "A_MakesTheTable").Select(t => t.Outcome), Has.None.EqualTo(TestOutcome.Passed));
        Assert.That(run.Single("B_UsesTheTableAgain").Message, Is.EqualTo(
            $"a tensor was used after it was disposed, at Homework.cs:line 13 (Tiny.Homework.Cached.Identity): {ThrownException.DisposedExplanation}.\n" +
            "(TorchSharp: InvalidOperationException: Tensor invalid -- empty handle.)"));
        Assert.That(run.Single("C_ReadsAFloat32MeanAsDouble").Message, Is.EqualTo(
            "a Float32 tensor was read as Double, at Homework.cs:line 16 (Tiny.Homework.Cached.Mean): item<T>() and data<T>() need the tensor's own " +
            "dtype, so convert it first (.to(ScalarType.Float64)), or read a number with ToDouble()\n" +
            "(TorchSharp: ArgumentException: Double is not compatible with Float32)"));
        Assert.That(run.Single("D_TakesTheLengthOfNull").Message, Is.EqualTo(
            "NullReferenceException, at Homework.cs:line 18 (Tiny.Homework.Cached.Length): Object reference not set to an instance of an object."));
        Assert.That(run.Single("E_CallsAStub").Message, Is.EqualTo("not implemented yet: Cached.Stub: not started"),
            "a stub's exception says so plainly, in the stub's own words");
    }

    [Test]
    public void Given_an_exception_with_an_inner_one_Then_the_first_line_is_rewritten_and_the_rest_kept()
    {
        var result = Result("System.InvalidOperationException : outer\n  ----> System.FormatException : inner", "   at Hw.Solution.Run() in /run/src/Hw/Solution.cs:line 3");

        Assert.That(ThrownException.Readable(result).Message, Is.EqualTo(
            "InvalidOperationException, at Solution.cs:line 3 (Hw.Solution.Run): outer\n  ----> System.FormatException : inner"));
    }

    [Test]
    public void Given_an_assertion_failure_Then_its_message_is_left_as_it_is()
    {
        var result = Result("logits: 4 of 4 elements (100%) differ beyond rtol=6.1E-05 : System.ArgumentException : not this one", "");

        Assert.That(ThrownException.Readable(result), Is.SameAs(result));
    }

    static TestCaseResult Result(string message, string stackTrace) =>
        new(new TestCaseSpec("T.A", "A", "T", "Tiny.Homework.Tests", new Dictionary<string, IReadOnlyList<string>>(), null, 1), TestOutcome.Error,
            message, stackTrace, 0, "");
}
