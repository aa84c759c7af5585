using Course.Grader.Analyze;
using Course.Grader.Compile;
using Course.Grader.Manifest;
using Course.Grader.Tests.Authoring;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Analyze;

/// <summary>
/// What homework code uses of a given library is judged like any library's symbols: allowed only where an allowed_apis entry
/// lists it, and then only if every type in its signature is allowed too. The library's own code is never analyzed.
/// </summary>
public class GivenLibraryAllowListTests
{
    static readonly Lazy<GivenLibrary> Library = new(() =>
    {
        using var repo = new TempCourseRepo()
            .Write("starter/hw0-demo/Hw0/Hw0.csproj", "<Project><ItemGroup><ProjectReference Include=\"$(CourseRoot)models/Lib/Lib.csproj\" /></ItemGroup></Project>")
            .Write("models/Lib/Lib.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />")
            .Write("models/Lib/Model.cs", """
                using TorchSharp;

                namespace Lib;

                public sealed record Activations(string Hook, torch.Tensor Value);

                public static class Model
                {
                    public static Activations Run(torch.Tensor x) => new("hook_in", x * 2);

                    /// <summary>The library itself may use what homework code may not: it is trusted and never analyzed.</summary>
                    public static Stream Checkpoint() => File.OpenRead("/dev/null");
                }
                """)
            .Write("models/Lib/Internals/Cache.cs", """
                namespace Lib.Internals;

                public static class Cache { public static int Size => 0; }
                """);
        return GivenLibraries.For(repo.Layout, repo.PathOf("starter/hw0-demo/Hw0/Hw0.csproj"), TinyHomework.Worker.Value.LibraryAssemblies).Single();
    });

    static readonly AllowedApi ListedNamespace = new("N:Lib", "the model this homework studies");

    static IReadOnlyList<AnalysisFinding> Analyze(string code, params AllowedApi[] extra)
    {
        var compiled = CompileStage.Compile(new CompileRequest(
            new AssemblySources(TinyHomework.HomeworkName, [new SourceFile("Homework.cs", code)]), [], TinyHomework.Worker.Value.LibraryAssemblies, [Library.Value]));
        Assert.That(compiled.Homework.Success, Is.True, () => string.Join("\n", compiled.Homework.Diagnostics));
        return AnalyzeStage.Analyze(compiled.Homework.Compilation, SandboxPolicy.For(extra), []).Findings
            .Where(f => f.Kind == FindingKind.SandboxViolation).ToList();
    }

    const string UsesTheModel = """
        using Lib;
        using TorchSharp;

        public static class Probe
        {
            public static Activations Cache(torch.Tensor x) => Model.Run(x);

            public static torch.Tensor Value(torch.Tensor x) => Model.Run(x).Value;
        }
        """;

    [Test]
    public void Given_the_library_not_listed_When_homework_code_calls_it_Then_each_use_is_a_violation()
    {
        var findings = Analyze(UsesTheModel);

        Assert.That(findings.Select(f => f.Api), Is.SupersetOf(new[] { "Lib.Model.Run(TorchSharp.torch.Tensor)", "Lib.Activations.Value" }));
        Assert.That(findings.Select(f => f.Message).Distinct(), Is.EqualTo(new[] { SandboxPolicy.NotListed }));
    }

    [Test]
    public void Given_the_librarys_namespace_listed_When_homework_code_calls_it_and_names_its_types_Then_nothing_is_found()
    {
        Assert.That(Analyze(UsesTheModel, ListedNamespace), Is.Empty);
    }

    [Test]
    public void Given_the_librarys_namespace_listed_When_a_member_hands_out_a_disallowed_type_Then_its_signature_is_judged()
    {
        var findings = Analyze("public static class Probe { public static long Size() => Lib.Model.Checkpoint().Length; }", ListedNamespace);

        Assert.That(findings.Select(f => (f.Api, f.Message)), Has.Some.EqualTo(("Lib.Model.Checkpoint()",
            "it involves System.IO.Stream: Homework code may not touch the file system; the tests give you everything you need.")));
    }

    [Test]
    public void Given_the_librarys_namespace_listed_When_homework_code_uses_a_sub_namespace_Then_that_is_not_covered()
    {
        var findings = Analyze("public static class Probe { public static int Size() => Lib.Internals.Cache.Size; }", ListedNamespace);

        Assert.That(findings.Select(f => f.Api), Is.EqualTo(new[] { "Lib.Internals.Cache.Size" }));
    }
}
