using Course.Grader.Compile;
using Course.Grader.Manifest;
using Course.Grader.Run;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Homeworks;

/// <summary>
/// Compile and Run on a homework of this repo: the homework project and public tests from one tree
/// (reference/ or starter/), the hidden tests from assignments/, with their goldens, under the manifest's limits.
/// </summary>
static class HomeworkPipeline
{
    public static readonly CourseLayout Layout = CourseLayout.FindFrom(AppContext.BaseDirectory);

    /// <summary>The homeworks with a reference and a manifest.</summary>
    public static IEnumerable<string> Ids() => Layout.HomeworkIds().Intersect(Layout.AssignmentIds());

    public static CompileResult Compile(string id, string tree)
    {
        var manifest = Layout.LoadManifest(id);
        var hiddenTests = HiddenTestsDir(manifest);
        return CompileStage.Compile(new CompileRequest(
            Sources(Path.Combine(tree, manifest.Project), manifest.Project, tree),
            [
                Sources(Path.Combine(tree, manifest.PublicTests), manifest.PublicTests, tree),
                Sources(hiddenTests, ProjectName(hiddenTests), Layout.AssignmentDir(id)),
            ],
            TinyHomework.Worker.Value.LibraryAssemblies,
            GivenLibraries(manifest)));
    }

    /// <summary>The homework's given libraries (models/), as its starter project references them.</summary>
    public static IReadOnlyList<GivenLibrary> GivenLibraries(AssignmentManifest manifest) =>
        Course.Grader.Compile.GivenLibraries.For(Layout, Path.Combine(Layout.StarterDir(manifest.Id), manifest.Project, manifest.Project + ".csproj"),
            TinyHomework.Worker.Value.LibraryAssemblies);

    public static async Task<RunResult> CompileAndRunAsync(string id, string tree)
    {
        var manifest = Layout.LoadManifest(id);
        var compiled = Compile(id, tree);
        var problems = compiled.TestSuites.Prepend(compiled.Homework).SelectMany(a => a.Errors.Select(e => $"{a.AssemblyName}: {e}")
            .Concat(a.Isolated.Select(i => $"{a.AssemblyName}: isolated {i.Member}: {i.Cause}")));
        Assert.That(compiled.Success && compiled.TestSuites.All(s => s.Isolated.Count == 0), Is.True,
            () => $"{Path.GetRelativePath(Layout.Root, tree)} does not compile cleanly:\n{string.Join("\n", problems)}");
        string[] goldenParents = [Path.Combine(tree, manifest.PublicTests), HiddenTestsDir(manifest)];
        return await RunStage.RunAsync(new RunRequest(
            compiled.Homework.Assembly!,
            [.. compiled.TestSuites.Zip(goldenParents, (suite, dir) => new TestSuiteBinary(suite.Assembly!, Path.Combine(dir, "golden")))],
            RunLimits.From(manifest.Limits),
            TinyHomework.Worker.Value)
        { GivenLibraries = [.. GivenLibraries(manifest).Select(library => library.Assembly)] });
    }

    public static string Describe(TestCaseResult result) =>
        $"{result.Test.FullName}: {result.Outcome} {result.Message.Split('\n')[0]}";

    static string HiddenTestsDir(AssignmentManifest manifest) => Path.Combine(Layout.AssignmentDir(manifest.Id), manifest.HiddenTests);

    static AssemblySources Sources(string folder, string assemblyName, string root) =>
        new(assemblyName, SourceFile.ReadFolder(folder, root));

    /// <summary>A test folder's assembly is named by its project file, e.g. Hw3.Attention.HiddenTests.csproj.</summary>
    static string ProjectName(string folder) =>
        Path.GetFileNameWithoutExtension(Directory.EnumerateFiles(folder, "*.csproj").Single());
}
