using Course.Grader.Compile;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Course.Grader.Tests.Compile;

/// <summary>
/// The compile-time bomb guard: lambdas nested in overloaded calls are refused when the compiler would bind them an
/// exponential number of times, and ordinary nested LINQ or TorchSharp code compiles as before.
/// </summary>
public class LambdaNestingTests
{
    static IReadOnlyList<MetadataReference> References() =>
        [.. Basic.Reference.Assemblies.Net100.References.All, MetadataReference.CreateFromFile(TinyHomework.Worker.Value.LibraryAssemblies.Single(p => Path.GetFileName(p) == "TorchSharp.dll"))];

    static CompileDiagnostic? Check(string code) =>
        LambdaNesting.Check([CSharpSyntaxTree.ParseText(code, path: "Student.cs")], References);

    [Test]
    public void Given_nested_LINQ_three_deep_When_checked_Then_it_is_allowed()
    {
        Assert.That(Check("""
            using System.Linq;
            static class Ok
            {
                static double F(int[][] xs) => xs.Select(row => row.Where(x => x > 0).Sum(x => (double)x)).Max(s => s);
                static int G(int[] a, int[] b, int[] c) => a.Sum(x => b.Sum(y => c.Count(z => x + y > z)));
            }
            """), Is.Null);
    }

    [Test]
    public void Given_lambdas_nested_in_the_students_own_overloads_When_checked_Then_it_is_refused_at_the_innermost_lambda()
    {
        var lambdas = string.Concat(Enumerable.Range(0, 14).Select(i => $"M(x{i} => "));
        var diagnostic = Check($$"""
            static class Bomb
            {
                static int M(System.Func<int, int> f) => 0;
                static int M(System.Func<string, int> f) => 0;
                static int Go() =>
                    {{lambdas}}0{{new string(')', 14)}};
            }
            """);

        Assert.That(diagnostic, Is.Not.Null);
        Assert.That((diagnostic!.File, diagnostic.Line, diagnostic.Severity, diagnostic.Id), Is.EqualTo(("Student.cs", 6, CompileSeverity.Error, "COURSE0001")));
        Assert.That(diagnostic.Message, Does.StartWith("lambdas nested in calls to overloaded methods make the compiler bind this one up to 16,384 times"));
    }

    [Test]
    public void Given_library_overloads_nested_deep_When_checked_Then_their_overload_counts_make_it_refused()
    {
        var diagnostic = Check("""
            using System.Linq;
            static class Bomb
            {
                static int Go(int[] a) => a.Sum(b => a.Sum(c => a.Sum(d => a.Sum(e => a.Sum(f => 0)))));
            }
            """);

        Assert.That(diagnostic?.Id, Is.EqualTo("COURSE0001"));
    }

    /// <summary>A tripwire for library upgrades: the bound that lets shallow nesting skip reading the references must stay a bound.</summary>
    [Test]
    public void Given_the_homework_references_When_their_delegate_overloads_are_counted_Then_no_name_has_more_than_the_bound()
    {
        var most = LambdaNesting.Library(References()).MaxBy(kv => kv.Value);

        Assert.That(most.Value, Is.LessThanOrEqualTo(LambdaNesting.LibraryUpperBound), most.Key);
    }
}
