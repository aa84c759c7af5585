using Basic.Reference.Assemblies;
using Course.Grader.Analyze;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;

namespace Course.Grader.Tests.Analyze;

/// <summary>
/// Homework code may not build a type of more than <see cref="TypeSize.Max"/> parts (<see cref="TypeSize"/>): generic
/// inference multiplies a type at each nested call, and everything that reads such a type part by part takes exponentially
/// long. A Func of 17 <c>T</c>s nested 6 deep took 10 s to compile and held a grade's analysis for minutes, its memory
/// growing by gigabytes.
/// </summary>
public class TypeSizeTests
{
    static IReadOnlyList<AnalysisFinding> Violations(string student)
    {
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);
        var compilation = CSharpCompilation.Create("Homework", [CSharpSyntaxTree.ParseText(student, path: "Student.cs")], Net100.References.All, options);
        Assert.That(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error), Is.Empty, "the homework compiles");
        return [.. AnalyzeStage.Analyze(compilation, SandboxPolicy.For([]), []).Violations];
    }

    /// <summary>A pair of pairs, <paramref name="levels"/> deep, one statement per level: (T, T) doubles T's parts and adds one.</summary>
    static string Pairs(int levels) => $$"""
        public static class Pairs
        {
            static (T, T) P<T>(T t) => (t, t);
            public static object Go()
            {
                var v0 = 0;
        {{string.Concat(Enumerable.Range(1, levels).Select(i => $"        var v{i} = P(v{i - 1});\n"))}}        return v{{levels}};
            }
        }
        """;

    [Test]
    public void Given_pairs_six_deep_When_analyzed_Then_they_are_allowed()
    {
        // v6 has 2^7 - 1 = 127 parts; the call that makes it, P<63 parts>(63 parts) returning 127 parts, with its class, 254.
        Assert.That(Violations(Pairs(6)), Is.Empty);
    }

    [Test]
    public void Given_one_more_level_When_analyzed_Then_the_call_whose_signature_is_too_large_is_refused_by_name_alone()
    {
        // v7 (255 parts) is made by P<127 parts>(127 parts) returning 255 parts, with its class: 510 parts.
        var violations = Violations(Pairs(7));

        Assert.That(violations.Select(v => (v.Line, v.Api)), Is.EqualTo(new[] { (13, "Pairs.P<...>") }));
        Assert.That(violations.Single().Message, Is.EqualTo(TypeSize.Message));
    }

    [Test]
    public void Given_a_type_past_the_limit_When_analyzed_Then_each_use_of_it_is_refused_by_name_alone()
    {
        // v8 has 511 parts.
        var violations = Violations(Pairs(8));

        Assert.That(violations.Select(v => (v.Line, v.Api)), Is.SupersetOf(new[] { (13, "Pairs.P<...>"), (14, "(...)"), (15, "v8") }));
        Assert.That(violations.Max(v => v.Api.Length), Is.LessThan(20), "never the type written out");
    }

    [Test]
    public void Given_calls_of_a_generic_method_nested_in_one_statement_When_analyzed_Then_they_are_refused()
    {
        // Func<T, ..., T> of 17 T's, nested 4 deep: 17^4 = 83,521 parts. Before the limit this read every part of the type at
        // every use; at 6 deep (24 million parts) a grade's analysis ran for minutes and took gigabytes.
        var violations = Violations("""
            public static class Bomb
            {
                static System.Func<T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T>? F<T>(T t) => null;
                public static bool Go() => F(F(F(F(0)))) is null;
            }
            """);

        Assert.That(violations.Select(v => (v.Line, v.Api)), Is.SupersetOf(new[] { (4, "Bomb.F<...>"), (4, "System.Func<...>") }));
    }

    [Test]
    public void Given_a_long_signature_and_wide_types_of_honest_code_When_analyzed_Then_they_are_allowed()
    {
        Assert.That(Violations("""
            using System.Collections.Generic;
            public static class Honest
            {
                public static Dictionary<(int Layer, int Head), List<(string, double)>> Table(
                    int a, int b, int c, int d, int e, int f, int g, int h, int i, int j, int k, int l, int m, int n, int o, int p) =>
                    new() { [(a, b)] = [("x", c + d + e + f + g + h + i + j + k + l + m + n + o + p)] };
                public static (int, int, int, int, int, int, int, int, int, int, int, int, int, int, int, int) Wide() =>
                    (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
            }
            """), Is.Empty);
    }
}
