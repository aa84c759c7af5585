namespace Course.Grader.Manifest;

/// <summary>Where a homework's pieces live in the course repo (see DESIGN.md §2).</summary>
public sealed record CourseLayout(string Root)
{
    public const string SolutionFileName = "Course.sln";
    public const string ReferenceFolder = "reference";
    public const string StarterFolder = "starter";
    public const string AssignmentsFolder = "assignments";

    /// <summary>Where given libraries live: models/&lt;Name&gt;/&lt;Name&gt;.csproj, trusted code homeworks may build on.</summary>
    public const string ModelsFolder = "models";

    /// <summary>The layout of the repo that holds <paramref name="directory"/>: the nearest folder upwards with Course.sln.</summary>
    /// <exception cref="DirectoryNotFoundException">No folder upwards holds Course.sln.</exception>
    public static CourseLayout FindFrom(string directory)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(directory)); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFileName)))
                return new CourseLayout(dir.FullName);
        }
        throw new DirectoryNotFoundException($"no {SolutionFileName} in {directory} or any folder above it");
    }

    public string ReferenceDir(string id) => Path.Combine(Root, ReferenceFolder, id);

    public string StarterDir(string id) => Path.Combine(Root, StarterFolder, id);

    public string AssignmentDir(string id) => Path.Combine(Root, AssignmentsFolder, id);

    public string ModelsDir => Path.Combine(Root, ModelsFolder);

    /// <summary>
    /// assignments/&lt;id&gt;/public-golden: the public tests' goldens recorded again on other inputs (with
    /// COURSE_GOLDEN_SALT; see <c>Course.Testing.Golden</c>), kept with the hidden tests. The shipped ones are in every
    /// student's repository, inputs and outputs, so a grade with the hidden tests replays the public tests on these
    /// instead: code that recognises a shipped input and returns its stored output passes the student's own run and
    /// fails the grade.
    /// </summary>
    public string PublicGoldenReplaysDir(string id) => Path.Combine(AssignmentDir(id), PublicGoldenReplaysFolder);

    public const string PublicGoldenReplaysFolder = "public-golden";

    public string ManifestPath(string id) => Path.Combine(AssignmentDir(id), AssignmentManifest.FileName);

    /// <summary>The homeworks that have a reference: the folder names under reference/, in ordinal order.</summary>
    public IReadOnlyList<string> HomeworkIds() => FolderNames(Path.Combine(Root, ReferenceFolder));

    /// <summary>The homeworks that have a manifest: the folders under assignments/ holding assignment.yaml.</summary>
    public IReadOnlyList<string> AssignmentIds() =>
        FolderNames(Path.Combine(Root, AssignmentsFolder)).Where(id => File.Exists(ManifestPath(id))).ToList();

    /// <summary>Loads a manifest and checks it against the repo: its project folders and student files exist.</summary>
    /// <exception cref="ManifestException">The manifest is invalid; every problem is listed.</exception>
    public AssignmentManifest LoadManifest(string id)
    {
        var path = ManifestPath(id);
        var manifest = AssignmentManifest.Load(path);
        var errors = ManifestRepoCheck.Problems(manifest, this);
        if (errors.Count > 0)
            throw new ManifestException(path, errors);
        return manifest;
    }

    private static List<string> FolderNames(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateDirectories(directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];
}
