using Course.Grader.Analyze;
using Course.Grader.Compile;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Analyze;

/// <summary>
/// Homework code keeps no state between calls (<see cref="StaticState"/>): every static field, static auto-property and
/// static field-like event that could change after it is set is refused where it is declared; constants and readonly
/// values that cannot change are not.
/// </summary>
public class StaticStateTests
{
    static IReadOnlyList<AnalysisFinding> Violations(string members)
    {
        var source = $$"""
            using System;
            using System.Collections.Generic;
            using TorchSharp;
            using static TorchSharp.torch;

            namespace Tiny.Homework;

            public sealed record Sizes(long d_model, long n_heads)
            {
                public long d_head => d_model / n_heads;
            }

            public sealed record Holder(List<int> Items);

            public readonly record struct Pair(int A, double B);

            public class Logger { public int Count; }

            public static class Student
            {
                {{members}}
            }
            """;
        var compiled = CompileStage.Compile(new CompileRequest(new AssemblySources(TinyHomework.HomeworkName, [new SourceFile("Student.cs", source)]), [],
            TinyHomework.Worker.Value.LibraryAssemblies));
        Assert.That(compiled.Homework.Success, Is.True, () => string.Join("\n", compiled.Homework.Errors));
        return [.. AnalyzeStage.Analyze(compiled.Homework.Compilation, SandboxPolicy.For([]), []).Violations];
    }

    [TestCase("static int calls;", "static state Tiny.Homework.Student.calls")]
    [TestCase("public static Tensor? Last;", "static state Tiny.Homework.Student.Last")]
    [TestCase("static readonly List<Tensor> Log = [];", "static state Tiny.Homework.Student.Log")]
    [TestCase("static readonly float[] Weights = [1f, 2f];", "static state Tiny.Homework.Student.Weights")]
    [TestCase("static readonly Tensor Planted = zeros(3);", "static state Tiny.Homework.Student.Planted")]
    [TestCase("public static Sizes? Current { get; set; }", "static state Tiny.Homework.Student.Current")]
    [TestCase("public static Holder Held { get; } = new([]);", "static state Tiny.Homework.Student.Held")]
    [TestCase("static readonly Logger Counter = new();", "static state Tiny.Homework.Student.Counter")]
    [TestCase("static readonly Func<int, int> Twice = x => 2 * x;", "static state Tiny.Homework.Student.Twice")]
    [TestCase("static readonly object Marker = new();", "static state Tiny.Homework.Student.Marker")]
    [TestCase("public static event Action? Called;", "static state Tiny.Homework.Student.Called")]
    [TestCase("static int Seen { get => field; set => field = value; }", "static state Tiny.Homework.Student.Seen")]
    [TestCase("static class Cache<T> { public static T? Value; }", "static state Tiny.Homework.Student.Cache<T>.Value")]
    public void Given_a_static_field_that_can_change_When_analyzed_Then_it_is_refused_where_it_is_declared(string members, string api)
    {
        var violations = Violations(members);

        Assert.That(violations.Select(v => v.Api), Is.EqualTo(new[] { api }), () => string.Join("\n", violations));
        Assert.That(violations.Single().Message, Is.EqualTo(StaticState.Message));
        Assert.That(violations.Single().Line, Is.EqualTo(21), "the line of the declaration");
    }

    [TestCase("const int Layers = 2; const string Name = \"tiny\";")]
    [TestCase("static readonly int Seed = 3; static readonly double Eps = 1e-5; static readonly string Prefix = \"blocks.\";")]
    [TestCase("public static Sizes Tiny { get; } = new(64, 4);")]
    [TestCase("static readonly Pair Both = new(1, 2.0); static readonly (int, double) Tuple = (1, 2.0); static readonly ScalarType Kind = ScalarType.Float32;")]
    [TestCase("static readonly long? Maybe = null; static Sizes Make() => new(64, 4); static int Twice(int x) => 2 * x;")]
    public void Given_constants_and_values_that_cannot_change_When_analyzed_Then_they_are_allowed(string members)
    {
        Assert.That(Violations(members), Is.Empty);
    }
}
