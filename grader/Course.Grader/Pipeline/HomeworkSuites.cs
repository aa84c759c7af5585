using Course.Grader.Compile;
using Course.Grader.Manifest;

namespace Course.Grader.Pipeline;

/// <summary>
/// The trusted parts of a homework: the starter project, the public tests shipped with it and the hidden
/// tests kept in assignments/, each with its golden folder. None of it ever comes from a submission.
/// </summary>
public sealed record HomeworkSuites(AssignmentManifest Manifest, CourseLayout Layout)
{
    public string StarterProject => Path.Combine(Layout.StarterDir(Manifest.Id), Manifest.Project);

    public string PublicTests => Path.Combine(Layout.StarterDir(Manifest.Id), Manifest.PublicTests);

    public string HiddenTests => Path.Combine(Layout.AssignmentDir(Manifest.Id), Manifest.HiddenTests);

    /// <summary>The suites to compile and run, with their golden folders; hidden ones only when asked.</summary>
    public IReadOnlyList<(AssemblySources Sources, string GoldenDirectory)> Suites(bool includeHidden)
    {
        var suites = new List<(AssemblySources, string)>
        {
            (new AssemblySources(Manifest.PublicTests, SourceFile.ReadFolder(PublicTests, Layout.StarterDir(Manifest.Id))), Path.Combine(PublicTests, "golden")),
        };
        if (includeHidden && Directory.Exists(HiddenTests))
            suites.Add((new AssemblySources(ProjectName(HiddenTests), SourceFile.ReadFolder(HiddenTests, Layout.AssignmentDir(Manifest.Id))), Path.Combine(HiddenTests, "golden")));
        return suites;
    }

    /// <summary>A project folder's assembly is named by its project file, e.g. Hw3.Attention.HiddenTests.csproj.</summary>
    static string ProjectName(string folder) =>
        Directory.EnumerateFiles(folder, "*.csproj").Select(Path.GetFileNameWithoutExtension).SingleOrDefault()
        ?? throw new InvalidOperationException($"{folder} has no single .csproj to name its assembly");
}
