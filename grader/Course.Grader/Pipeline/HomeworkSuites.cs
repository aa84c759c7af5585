using Course.Grader.Compile;
using Course.Grader.Manifest;

namespace Course.Grader.Pipeline;

/// <summary>
/// The trusted parts of a homework: the starter project, the public tests shipped with it and the hidden
/// tests kept in assignments/, each with its golden folder, and the given libraries the starter project references
/// (<see cref="Compile.GivenLibraries"/>). None of it ever comes from a submission.
/// </summary>
public sealed record HomeworkSuites(AssignmentManifest Manifest, CourseLayout Layout)
{
    public string StarterProject => Path.Combine(Layout.StarterDir(Manifest.Id), Manifest.Project);

    /// <summary>starter/&lt;id&gt;/&lt;Project&gt;/&lt;Project&gt;.csproj, whose references name the homework's given libraries.</summary>
    public string StarterProjectFile => Path.Combine(StarterProject, Manifest.Project + ".csproj");

    public string PublicTests => Path.Combine(Layout.StarterDir(Manifest.Id), Manifest.PublicTests);

    public string HiddenTests => Path.Combine(Layout.AssignmentDir(Manifest.Id), Manifest.HiddenTests);

    /// <summary>The public tests' goldens recorded on other inputs (<see cref="CourseLayout.PublicGoldenReplaysDir"/>).</summary>
    public string PublicGoldenReplays => Layout.PublicGoldenReplaysDir(Manifest.Id);

    /// <summary>The hidden tests' assembly name, e.g. Hw3.Attention.HiddenTests; null when the homework has no hidden tests.</summary>
    public string? HiddenSuiteName => Directory.Exists(HiddenTests) ? ProjectName(HiddenTests) : null;

    /// <summary>
    /// The suites to compile and run, with their golden folders; hidden ones only when asked, and then the public tests
    /// replay <see cref="PublicGoldenReplays"/> where the homework has it.
    /// </summary>
    public IReadOnlyList<(AssemblySources Sources, string GoldenDirectory)> Suites(bool includeHidden)
    {
        var publicGoldens = includeHidden && Directory.Exists(PublicGoldenReplays) ? PublicGoldenReplays : Path.Combine(PublicTests, "golden");
        var suites = new List<(AssemblySources, string)>
        {
            (new AssemblySources(Manifest.PublicTests, SourceFile.ReadFolder(PublicTests, Layout.StarterDir(Manifest.Id))), publicGoldens),
        };
        if (includeHidden && Directory.Exists(HiddenTests))
            suites.Add((new AssemblySources(ProjectName(HiddenTests), SourceFile.ReadFolder(HiddenTests, Layout.AssignmentDir(Manifest.Id))), Path.Combine(HiddenTests, "golden")));
        return suites;
    }

    /// <summary>The given libraries' projects, read from the trusted starter project.</summary>
    public IReadOnlyList<GivenLibraryProject> GivenLibraryProjects() => Compile.GivenLibraries.Find(Layout, StarterProjectFile);

    /// <summary>The given libraries compiled (once per process and content) against TorchSharp from <paramref name="libraryPaths"/>.</summary>
    public IReadOnlyList<GivenLibrary> GivenLibraries(IReadOnlyList<string> libraryPaths) =>
        Compile.GivenLibraries.For(Layout, StarterProjectFile, libraryPaths);

    /// <summary>A project folder's assembly is named by its project file, e.g. Hw3.Attention.HiddenTests.csproj.</summary>
    static string ProjectName(string folder) =>
        Directory.EnumerateFiles(folder, "*.csproj").Select(Path.GetFileNameWithoutExtension).SingleOrDefault()
        ?? throw new InvalidOperationException($"{folder} has no single .csproj to name its assembly");
}
