using Course.Grader.Compile;
using Course.Grader.Manifest;
using Course.Grader.Report;

namespace Course.Grader.Workspace;

/// <summary>
/// The homework sources to compile: the trusted starter project, with only the files the manifest lets
/// students edit taken from the submission. Everything else (project files, tests, goldens) never comes
/// from the student, so a submission cannot replace the tests.
/// </summary>
/// <param name="Notes">What the student should know about how their files were picked.</param>
public sealed record Workspace(AssemblySources Homework, IReadOnlyList<string> Notes, IReadOnlyList<string> MissingFiles);

/// <summary>What the workspace stage reads of a submission at most.</summary>
/// <param name="MaxFileBytes">A student file larger than this is not graded (the starter's version is).</param>
/// <param name="MaxTotalBytes">The student files together; a file that would go over is not graded.</param>
/// <param name="Walk">How far the search for the student files and the lists of ignored files look.</param>
public sealed record WorkspaceLimits(long MaxFileBytes, long MaxTotalBytes, WalkLimits Walk)
{
    public static readonly WorkspaceLimits Default = new(MaxFileBytes: 1L << 20, MaxTotalBytes: 4L << 20, WalkLimits.Default);
}

public static class WorkspaceStage
{
    /// <summary>Folders never searched for student files, nor listed: build outputs and git's own.</summary>
    static readonly HashSet<string> SkippedFolders = new(StringComparer.OrdinalIgnoreCase) { "bin", "obj", ".git" };

    /// <summary>How many names a note lists before "and N more".</summary>
    const int NamesPerNote = 20;

    /// <param name="starterProject">starter/&lt;id&gt;/&lt;Project&gt;: the trusted project folder.</param>
    /// <param name="submissionRoot">The unpacked submission: a student repo, or just the edited files.</param>
    /// <remarks>
    /// Only regular files are read, and only up to <see cref="WorkspaceLimits"/>; links, named pipes and devices are
    /// never opened, and folders are searched without following links, so nothing a student puts in the submission can
    /// make this stage hang, read outside the submission, or run out of memory.
    /// </remarks>
    public static Workspace Build(AssignmentManifest manifest, string starterProject, string submissionRoot, WorkspaceLimits? limits = null)
    {
        limits ??= WorkspaceLimits.Default;
        var notes = new List<string>();
        var tree = SafeFiles.Walk(submissionRoot, limits.Walk, Enter);
        if (tree.Truncated)
            notes.Add($"The submission holds more than {limits.Walk.MaxEntries} files and folders; only the first {limits.Walk.MaxEntries} were looked at.");
        if (tree.Unreadable > 0)
            notes.Add($"{tree.Unreadable} folder(s) of the submission could not be read and were skipped.");
        var projectDir = FindProjectFolder(manifest, submissionRoot, tree);
        if (projectDir is null)
        {
            notes.Add($"None of {string.Join(", ", manifest.StudentFiles)} was found in the submission.");
            projectDir = Path.GetFullPath(submissionRoot);
        }
        var relativeProject = Path.GetRelativePath(Path.GetFullPath(submissionRoot), projectDir).Replace('\\', '/');
        if (relativeProject != ".") notes.Add($"Graded the files in {ReportText.Line(relativeProject)}/.");

        var files = SourceFile.ReadFolder(starterProject, starterProject).ToDictionary(f => f.Path, StringComparer.Ordinal);
        var missing = new List<string>();
        long total = 0;
        foreach (var studentFile in manifest.StudentFiles)
        {
            var path = Path.Combine(projectDir, studentFile);
            var read = IsUnderLink(path, submissionRoot)
                ? new TextRead(ReadOutcome.NotRegular, null, new FileEntry(FileKind.SymbolicLink, 0))
                : SafeFiles.ReadText(path, Math.Min(limits.MaxFileBytes, limits.MaxTotalBytes - total));
            if (read.Outcome == ReadOutcome.Read)
            {
                total += read.Entry.Size;
                files[studentFile] = new SourceFile(studentFile, read.Text!);
                continue;
            }
            missing.Add(studentFile);
            notes.Add(read.Outcome switch
            {
                ReadOutcome.Missing => $"{studentFile} is missing from the submission; the starter's version was graded instead.",
                ReadOutcome.NotRegular when read.Entry.Kind == FileKind.SymbolicLink =>
                    $"{studentFile} is a link, and links are not graded; the starter's version was graded instead.",
                ReadOutcome.NotRegular =>
                    $"{studentFile} is not a regular file ({FileEntry.Describe(read.Entry.Kind)}); the starter's version was graded instead.",
                ReadOutcome.TooLarge when read.Entry.Size > limits.MaxFileBytes =>
                    $"{studentFile} is larger than {SafeFiles.Size(limits.MaxFileBytes)} and was not graded; the starter's version was graded instead.",
                ReadOutcome.TooLarge =>
                    $"{studentFile} was not graded: the student files together are larger than {SafeFiles.Size(limits.MaxTotalBytes)}; the starter's version was graded instead.",
                _ => $"{studentFile} could not be read; the starter's version was graded instead.",
            });
        }

        var projectPrefix = relativeProject == "." ? "" : relativeProject + "/";
        var ignored = tree.Entries
            .Where(e => e.Entry.Kind != FileKind.Directory && e.Path.StartsWith(projectPrefix, StringComparison.Ordinal) && e.Path.EndsWith(".cs", StringComparison.Ordinal))
            .Select(e => e.Path[projectPrefix.Length..])
            .Where(f => !manifest.StudentFiles.Contains(f) && !files.ContainsKey(f))
            .Order(StringComparer.Ordinal).ToList();
        if (ignored.Count > 0)
            notes.Add($"Ignored {Names(ignored)}: only {string.Join(", ", manifest.StudentFiles)} are graded; put your code there.");
        var given = GivenProjects(starterProject);
        var projects = tree.Entries
            .Where(e => e.Entry.Kind != FileKind.Directory && e.Name.EndsWith(".csproj", StringComparison.Ordinal))
            .Select(e => e.Name[..^".csproj".Length])
            .Where(n => n != manifest.Project && n != manifest.PublicTests && !given.Contains(n))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        if (projects.Count > 0)
            notes.Add($"Ignored the extra project(s) {Names(projects)}: the grader builds {manifest.Project} from its own project file.");

        var sources = new AssemblySources(manifest.Project, files.Values.OrderBy(f => f.Path, StringComparer.Ordinal).ToList());
        return new Workspace(sources, notes, missing);
    }

    static bool Enter(WalkEntry folder) => !SkippedFolders.Contains(folder.Name);

    /// <summary>
    /// The projects the starter ships beside the graded one (its public tests, a given program such as hw5's plots), by
    /// name: a student repo holds them, so they are not worth a note. Read from the trusted starter folder, one level down.
    /// </summary>
    static HashSet<string> GivenProjects(string starterProject) =>
        Path.GetDirectoryName(Path.GetFullPath(starterProject)) is { } starter && Directory.Exists(starter)
            ? Directory.EnumerateDirectories(starter).SelectMany(d => Directory.EnumerateFiles(d, "*.csproj"))
                .Select(Path.GetFileNameWithoutExtension).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];

    /// <summary>The names a note lists, each on one line of clean text (a student can put a line break or an escape in a file name).</summary>
    static string Names(IReadOnlyList<string> names)
    {
        var shown = string.Join(", ", names.Take(NamesPerNote).Select(ReportText.Line));
        return names.Count <= NamesPerNote ? shown : $"{shown} and {names.Count - NamesPerNote} more";
    }

    /// <summary>
    /// Whether a folder between <paramref name="path"/> and <paramref name="root"/> is a link: a git checkout or a folder can
    /// hold one to any folder on the grading machine, which must not be read into a grade (or its compile errors).
    /// </summary>
    static bool IsUnderLink(string path, string root)
    {
        var top = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar);
        for (var current = Path.GetDirectoryName(Path.GetFullPath(path)); current is not null && current.Length > top.Length; current = Path.GetDirectoryName(current))
            if (FileEntry.Of(current).Kind == FileKind.SymbolicLink) return true;
        return false;
    }

    /// <summary>
    /// The folder holding the student files: the root, a folder named after the project, or (for archives
    /// with a wrapping folder, as GitHub's tarballs have) the one where most student files are found.
    /// Folders are searched without following links, and within <see cref="WalkLimits.Default"/>.
    /// </summary>
    public static string? FindProjectFolder(AssignmentManifest manifest, string root) =>
        FindProjectFolder(manifest, root, SafeFiles.Walk(root, WalkLimits.Default, Enter));

    static string? FindProjectFolder(AssignmentManifest manifest, string root, FolderWalk tree)
    {
        root = Path.GetFullPath(root);
        // A student file counts as found whatever it is (a link, a pipe): it is then refused by name, not silently missed.
        var present = tree.Entries.Where(e => e.Entry.Kind is not (FileKind.Directory or FileKind.Missing)).Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        var candidates = tree.Entries
            .Where(e => e.Entry.Kind == FileKind.Directory && Enter(e))
            .Select(e => e.Path + "/")
            .Prepend("");
        return candidates
            .Select(dir => (Dir: dir, Found: manifest.StudentFiles.Count(f => present.Contains(dir + f)),
                Named: dir.Length > 0 && Path.GetFileName(dir.TrimEnd('/')) == manifest.Project, Depth: dir.Count(c => c == '/')))
            .Where(c => c.Found > 0)
            .OrderByDescending(c => c.Found).ThenByDescending(c => c.Named).ThenBy(c => c.Depth)
            .Select(c => c.Dir.Length == 0 ? root : Path.Combine(root, c.Dir.TrimEnd('/').Replace('/', Path.DirectorySeparatorChar)))
            .FirstOrDefault();
    }
}
