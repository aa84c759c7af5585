using Course.Grader.Compile;
using Course.Grader.Manifest;
using Course.Grader.Run;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Homeworks;

/// <summary>
/// Compile on a homework of this repo: the homework project and public tests from one tree (reference/ or starter/), the
/// hidden tests from assignments/, against the homework's given libraries.
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

    static string HiddenTestsDir(AssignmentManifest manifest) => Path.Combine(Layout.AssignmentDir(manifest.Id), manifest.HiddenTests);

    static AssemblySources Sources(string folder, string assemblyName, string root) =>
        new(assemblyName, SourceFile.ReadFolder(folder, root));

    /// <summary>A test folder's assembly is named by its project file, e.g. Hw3.Attention.HiddenTests.csproj.</summary>
    static string ProjectName(string folder) =>
        Path.GetFileNameWithoutExtension(Directory.EnumerateFiles(folder, "*.csproj").Single());
}
