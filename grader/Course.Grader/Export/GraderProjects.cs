using Course.Grader.Manifest;

namespace Course.Grader.Export;

/// <summary>
/// The projects a student repo needs besides its own: the grader's (the student-side <c>course-grade</c>, and the projects the
/// starter's own projects reference, such as the test SDK) and the given libraries the starter references
/// (models/&lt;Name&gt;/), each with everything it references in turn. Followed from the project files, so a project added
/// later travels too. The grader never leads to a given library: it travels with every homework, and a library only with
/// the homeworks whose starter references it.
/// </summary>
internal static class GraderProjects
{
    public const string GraderFolder = "grader";
    const string CommandLine = "grader/Course.Grade/Course.Grade.csproj";

    /// <returns>The project files, relative to the course root with '/' separators, in ordinal order.</returns>
    /// <exception cref="ExportException">A reference cannot be followed, or leads outside grader/ and models/, or from grader/ into models/.</exception>
    public static IReadOnlyList<string> For(CourseLayout layout, string starterDir)
    {
        var pending = new Stack<(string Project, string? From)>();
        pending.Push((Path.Combine(layout.Root, CommandLine), null));
        foreach (var starterProject in Directory.EnumerateFiles(starterDir, "*.csproj", SearchOption.AllDirectories))
        {
            foreach (var reference in References(layout, starterProject).Where(r => !ProjectReferences.IsInside(r, starterDir)))
                pending.Push((reference, null));
        }

        var graderDir = Path.Combine(layout.Root, GraderFolder);
        var found = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryPop(out var next))
        {
            var (project, from) = next;
            var inGrader = ProjectReferences.IsInside(project, graderDir);
            if (!inGrader && !ProjectReferences.IsInside(project, layout.ModelsDir) || !File.Exists(project))
                throw new ExportException(
                    $"a student repo can only carry the grader's own projects and the given libraries in {CourseLayout.ModelsFolder}/, but {Relative(layout, project)} is needed");
            if (!inGrader && from is not null && ProjectReferences.IsInside(from, graderDir))
                throw new ExportException($"{Relative(layout, from)} references {Relative(layout, project)}, but the grader travels with every homework " +
                    $"and must not build on a given library; only a homework's starter may");
            if (!found.Add(project)) continue;
            foreach (var reference in References(layout, project))
                pending.Push((reference, project));
        }
        return found.Select(p => Relative(layout, p)).Order(StringComparer.Ordinal).ToList();
    }

    static IEnumerable<string> References(CourseLayout layout, string project) =>
        ProjectReferences.Of(layout, project).Select(reference => reference.Path
            ?? throw new ExportException($"{Relative(layout, project)} references '{reference.Include}', whose MSBuild property the export cannot follow"));

    static string Relative(CourseLayout layout, string path) => Path.GetRelativePath(layout.Root, path).Replace('\\', '/');
}
