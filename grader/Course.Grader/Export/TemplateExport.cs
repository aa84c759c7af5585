using Course.Grader.Authoring;
using Course.Grader.Manifest;

namespace Course.Grader.Export;

/// <summary>What <see cref="TemplateExport.Write"/> wrote.</summary>
/// <param name="Files">Relative to <paramref name="Root"/>, '/' separators, in ordinal order.</param>
public sealed record ExportedTemplate(string Root, AssignmentManifest Manifest, IReadOnlyList<string> Files);

/// <summary>
/// <c>course export</c>: a homework's student template repository, ready for GitHub Classroom. At the root: the
/// starter project and public tests (with their goldens), the handout as README.md, the classroom workflow and the
/// build settings. In <see cref="StudentRepo.CourseFolder"/>: the grader's sources, the given libraries the starter references
/// (models/&lt;Name&gt;/, see <see cref="GraderProjects"/>) and the trusted manifest, starter and
/// public tests, laid out as a course repo, so the workflow grades with <c>course-grade --public-only</c> (grader/Course.Grade) from source
/// after a NuGet restore (a packed .NET tool would have to carry libtorch). The reference, the hidden tests, the
/// examples and the other homeworks are never read into it.
/// </summary>
public static class TemplateExport
{
    /// <exception cref="ArgumentException"><paramref name="outDir"/> cannot take it (see <see cref="ExportTarget.Problem"/>).</exception>
    /// <exception cref="ExportException">The starter is out of date, or the grader cannot be carried; nothing was written.</exception>
    /// <exception cref="ManifestException">The homework's manifest is invalid.</exception>
    public static ExportedTemplate Write(CourseLayout layout, string assignment, string outDir, bool force = false)
    {
        if (ExportTarget.Problem(layout, outDir, force) is { } problem)
            throw new ArgumentException(problem, nameof(outDir));
        var manifest = layout.LoadManifest(assignment);
        var files = Plan(layout, manifest);
        ExportTarget.Prepare(outDir);
        foreach (var file in files)
        {
            var path = Path.Combine(outDir, file.Path.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, file.Content);
        }
        return new ExportedTemplate(Path.GetFullPath(outDir), manifest, files.Select(f => f.Path).ToList());
    }

    /// <summary>Every file of the template, read and generated in memory; nothing is written.</summary>
    internal static IReadOnlyList<TemplateFile> Plan(CourseLayout layout, AssignmentManifest manifest)
    {
        var id = manifest.Id;
        var sync = new StarterSync(layout).Check(id);
        if (!sync.IsUpToDate)
            throw new ExportException($"{CourseLayout.StarterFolder}/{id} is out of date with {CourseLayout.ReferenceFolder}/{id} " +
                $"({string.Join(", ", sync.Stale.Concat(sync.Missing).Concat(sync.Extra))}); run `course sync {id}` first");

        const string course = StudentRepo.CourseFolder;
        var starterDir = layout.StarterDir(id);
        var starter = ProjectFiles.List(starterDir);
        var files = new List<TemplateFile>();
        files.AddRange(Copy(starterDir, "", starter));
        files.Add(TemplateReadmes.Student(manifest, Read(Path.Combine(layout.AssignmentDir(id), "handout.md"))));
        files.Add(SolutionFiles.Student(manifest.Project, starter.Where(f => f.EndsWith(".csproj", StringComparison.Ordinal))));
        files.Add(TemplateFile.Text(StudentRepo.WorkflowPath, ClassroomWorkflow.Yaml(manifest)));
        files.AddRange(Copy(layout.Root, "", ["global.json", ".gitignore", .. Optional(layout, ".editorconfig")]));
        files.AddRange(BuildForwarders.FileNames.Select(BuildForwarders.For));

        files.AddRange(Copy(layout.Root, course, BuildForwarders.FileNames));
        files.AddRange(Copy(Path.Combine(layout.Root, "build"), $"{course}/build", ProjectFiles.List(Path.Combine(layout.Root, "build"))));
        var graderProjects = GraderProjects.For(layout, starterDir);
        foreach (var folder in graderProjects.Select(p => p[..p.LastIndexOf('/')]))
            files.AddRange(Copy(Path.Combine(layout.Root, folder), $"{course}/{folder}", ProjectFiles.List(Path.Combine(layout.Root, folder))));
        files.Add(SolutionFiles.Grader(graderProjects));
        files.Add(TemplateReadmes.CourseFolder(manifest));
        files.Add(new TemplateFile($"{course}/{CourseLayout.AssignmentsFolder}/{id}/{AssignmentManifest.FileName}", File.ReadAllBytes(layout.ManifestPath(id))));
        files.AddRange(Copy(starterDir, $"{course}/{CourseLayout.StarterFolder}/{id}", starter));
        // Stand-ins for what CourseLayout.LoadManifest checks exists: the starter as the "reference", and a note for the hidden tests.
        files.AddRange(Copy(starterDir, $"{course}/{CourseLayout.ReferenceFolder}/{id}", starter));
        files.Add(TemplateReadmes.HiddenTestsStandIn(manifest));

        var duplicates = files.GroupBy(f => f.Path, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
            throw new ExportException($"the template would write {string.Join(", ", duplicates)} twice");
        return files.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
    }

    static IEnumerable<TemplateFile> Copy(string fromDir, string toDir, IEnumerable<string> relativePaths) =>
        relativePaths.Select(path => new TemplateFile(
            toDir.Length == 0 ? path : $"{toDir}/{path}",
            File.ReadAllBytes(Path.Combine(fromDir, path.Replace('/', Path.DirectorySeparatorChar)))));

    static IEnumerable<string> Optional(CourseLayout layout, string fileName) =>
        File.Exists(Path.Combine(layout.Root, fileName)) ? [fileName] : [];

    static string Read(string path) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new ExportException($"no handout at {path}");
}
