namespace Course.Grader.Manifest;

/// <summary>
/// One homework's <c>assignments/&lt;id&gt;/assignment.yaml</c>: which projects make it up, which files a
/// submission provides, what is banned, the limits, and per-test overrides keyed by full NUnit test name.
/// </summary>
public sealed record AssignmentManifest(
    string Id,
    string Title,
    string Project,
    string PublicTests,
    string HiddenTests,
    IReadOnlyList<string> StudentFiles,
    IReadOnlyList<BannedApi> BannedApis,
    BannedPolicy BannedPolicy,
    AssignmentLimits Limits,
    IReadOnlyDictionary<string, TestOverride> Tests,
    DateTimeOffset? DueDate = null,
    IReadOnlyList<AllowedApi>? AllowedApis = null)
{
    /// <summary>Hidden tests are shown one by one only once the due date (<c>due_date</c>, ISO 8601) has passed.</summary>
    public bool IsPastDue(DateTimeOffset now) => DueDate is { } due && now > due;

    /// <summary>What the manifest adds to the sandbox's allow-list for this homework (<c>allowed_apis</c>), each with its reason.</summary>
    public IReadOnlyList<AllowedApi> ExtraAllowedApis => AllowedApis ?? [];

    public const string FileName = "assignment.yaml";

    /// <summary>
    /// Reads and validates a manifest on its own: required keys, no unknown keys, the id matches the folder,
    /// positive limits, well-formed banned IDs. <see cref="CourseLayout.LoadManifest"/> also checks the repo.
    /// </summary>
    /// <exception cref="ManifestException">The manifest is invalid; every problem is listed.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public static AssignmentManifest Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"no assignment manifest at {path}", path);
        var folder = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path)));
        return ManifestReader.Read(File.ReadAllText(path), path, folder);
    }
}
