using Course.Grader.Compile;
using Course.Grader.Manifest;

namespace Course.Grader.Workspace;

/// <summary>
/// The homework sources to compile: the trusted starter project, with only the files the manifest lets
/// students edit taken from the submission. Everything else (project files, tests, goldens) never comes
/// from the student, so a submission cannot replace the tests.
/// </summary>
/// <param name="Notes">What the student should know about how their files were picked.</param>
public sealed record Workspace(AssemblySources Homework, IReadOnlyList<string> Notes, IReadOnlyList<string> MissingFiles);

public static class WorkspaceStage
{
    /// <param name="starterProject">starter/&lt;id&gt;/&lt;Project&gt;: the trusted project folder.</param>
    /// <param name="submissionRoot">The unpacked submission: a student repo, or just the edited files.</param>
    public static Workspace Build(AssignmentManifest manifest, string starterProject, string submissionRoot)
    {
        var notes = new List<string>();
        var projectDir = FindProjectFolder(manifest, submissionRoot);
        if (projectDir is null)
        {
            notes.Add($"None of {string.Join(", ", manifest.StudentFiles)} was found in the submission.");
            projectDir = submissionRoot;
        }
        var relativeProject = Path.GetRelativePath(submissionRoot, projectDir).Replace('\\', '/');
        if (relativeProject != ".") notes.Add($"Graded the files in {relativeProject}/.");

        var files = SourceFile.ReadFolder(starterProject, starterProject).ToDictionary(f => f.Path, StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var studentFile in manifest.StudentFiles)
        {
            var path = Path.Combine(projectDir, studentFile);
            if (File.Exists(path) && IsLinkOrUnderLink(path, submissionRoot))
            {
                missing.Add(studentFile);
                notes.Add($"{studentFile} is a link, and links are not graded; the starter's version was graded instead.");
            }
            else if (File.Exists(path))
                files[studentFile] = new SourceFile(studentFile, File.ReadAllText(path));
            else
            {
                missing.Add(studentFile);
                notes.Add($"{studentFile} is missing from the submission; the starter's version was graded instead.");
            }
        }
        var ignored = Directory.EnumerateFiles(projectDir, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(projectDir, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
            .Where(f => !manifest.StudentFiles.Contains(f) && !files.ContainsKey(f))
            .Order(StringComparer.Ordinal).ToList();
        if (ignored.Count > 0)
            notes.Add($"Ignored {string.Join(", ", ignored)}: only {string.Join(", ", manifest.StudentFiles)} are graded; put your code there.");
        var projects = Directory.EnumerateFiles(submissionRoot, "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetFileNameWithoutExtension(p))
            .Where(n => n != manifest.Project && n != manifest.PublicTests)
            .Distinct().Order(StringComparer.Ordinal).ToList();
        if (projects.Count > 0)
            notes.Add($"Ignored the extra project(s) {string.Join(", ", projects)}: the grader builds {manifest.Project} from its own project file.");

        var sources = new AssemblySources(manifest.Project, files.Values.OrderBy(f => f.Path, StringComparer.Ordinal).ToList());
        return new Workspace(sources, notes, missing);
    }

    /// <summary>
    /// Whether <paramref name="path"/> or a folder between it and <paramref name="root"/> is a link: a git checkout or a
    /// folder can hold one to any file on the grading machine, which must not be read into a grade (or its compile errors).
    /// </summary>
    static bool IsLinkOrUnderLink(string path, string root)
    {
        var top = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar);
        for (var current = Path.GetFullPath(path); current.Length > top.Length; current = Path.GetDirectoryName(current)!)
        {
            FileSystemInfo entry = File.Exists(current) ? new FileInfo(current) : new DirectoryInfo(current);
            if (entry.LinkTarget is not null) return true;
        }
        return false;
    }

    /// <summary>
    /// The folder holding the student files: the root, a folder named after the project, or (for archives
    /// with a wrapping folder, as GitHub's tarballs have) the one where most student files are found.
    /// </summary>
    public static string? FindProjectFolder(AssignmentManifest manifest, string root)
    {
        root = Path.GetFullPath(root);
        var candidates = Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories)
            .Where(d => !Path.GetRelativePath(root, d).Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj" or ".git"))
            .Prepend(root);
        return candidates
            .Select(dir => (Dir: dir, Found: manifest.StudentFiles.Count(f => File.Exists(Path.Combine(dir, f))),
                Named: Path.GetFileName(dir) == manifest.Project, Depth: dir.Count(c => c == Path.DirectorySeparatorChar)))
            .Where(c => c.Found > 0)
            .OrderByDescending(c => c.Found).ThenByDescending(c => c.Named).ThenBy(c => c.Depth)
            .Select(c => c.Dir)
            .FirstOrDefault();
    }
}
