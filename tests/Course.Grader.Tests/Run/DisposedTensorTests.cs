using Course.Grader.Run;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Run;

/// <summary>
/// A tensor kept for a later call is freed by the dispose scope of the test (or training step) that made it; TorchSharp
/// then says only "Tensor invalid -- empty handle.", and the grader says what happened and what to do instead.
/// </summary>
public class DisposedTensorTests
{
    static readonly RunLimits Limits = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(120), 2048);

    const string Homework = """
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
        }
        """;

    // NUnit runs a fixture's tests in name order; TorchTest gives each test a dispose scope, as the homeworks' tests have.
    const string Tests = """
        using Course.Testing;
        using NUnit.Framework;
        using TorchSharp;
        using Tiny.Homework;

        namespace Tiny.Homework.Tests;

        public class CacheTests : TorchTest
        {
            [Test]
            public void A_MakesTheTable() => Assert.That(Cached.Identity(3).sum().ToDouble(), Is.EqualTo(3));

            [Test]
            public void B_UsesTheTableAgain() => Assert.That(Cached.Identity(3).sum().ToDouble(), Is.EqualTo(3));
        }
        """;

    [Test]
    public async Task Given_a_tensor_cached_in_a_static_by_one_test_When_the_next_uses_it_Then_its_message_says_the_scope_freed_it_and_where()
    {
        var run = await TinyHomework.RunAsync(Homework, Tests, Limits);

        Assert.That(run.Single("A_MakesTheTable").Outcome, Is.EqualTo(TestOutcome.Passed));
        var second = run.Single("B_UsesTheTableAgain");
        Assert.That(second.Outcome, Is.Not.EqualTo(TestOutcome.Passed));
        Assert.That(second.Message, Is.EqualTo(
            $"a tensor was used after it was disposed, at Homework.cs:line 12 (Tiny.Homework.Cached.Identity): {DisposedTensor.Explanation}.\n" +
            "(TorchSharp: InvalidOperationException: Tensor invalid -- empty handle.)"));
    }

    [Test]
    public void Given_another_InvalidOperationException_Then_its_message_is_left_as_it_is()
    {
        var result = new TestCaseResult(new TestCaseSpec("T.A", "A", "T", "Tiny.Homework.Tests", new Dictionary<string, IReadOnlyList<string>>(), null, 1), TestOutcome.Error,
            "System.InvalidOperationException : Sequence contains no elements", "   at T.A() in /x/T.cs:line 3", 0, "");

        Assert.That(DisposedTensor.Readable(result), Is.SameAs(result));
    }
}
