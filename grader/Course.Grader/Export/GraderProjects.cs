using System.Xml.Linq;
using Course.Grader.Manifest;

namespace Course.Grader.Export;

/// <summary>
/// The grader's projects a student repo needs: the <c>course</c> command line, and the projects the starter's own
/// projects reference (the test SDK), each with everything it references in turn. Followed from the project files,
/// so a project added to the grader later travels too.
/// </summary>
internal static class GraderProjects
{
    public const string GraderFolder = "grader";
    const string CommandLine = "grader/Course.Cli/Course.Cli.csproj";
    const string CourseRootProperty = "$(CourseRoot)";

    /// <returns>The project files, relative to the course root with '/' separators, in ordinal order.</returns>
    /// <exception cref="ExportException">A reference cannot be followed, or leads outside grader/.</exception>
    public static IReadOnlyList<string> For(CourseLayout layout, string starterDir)
    {
        var pending = new Stack<string>();
        pending.Push(Path.Combine(layout.Root, CommandLine));
        foreach (var starterProject in Directory.EnumerateFiles(starterDir, "*.csproj", SearchOption.AllDirectories))
        {
            foreach (var reference in References(layout, starterProject).Where(r => !IsInside(r, starterDir)))
                pending.Push(reference);
        }

        var graderDir = Path.Combine(layout.Root, GraderFolder);
        var found = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryPop(out var project))
        {
            if (!IsInside(project, graderDir) || !File.Exists(project))
                throw new ExportException($"a student repo can only carry the grader's own projects, but {Relative(layout, project)} is needed");
            if (!found.Add(project)) continue;
            foreach (var reference in References(layout, project))
                pending.Push(reference);
        }
        return found.Select(p => Relative(layout, p)).Order(StringComparer.Ordinal).ToList();
    }

    static IEnumerable<string> References(CourseLayout layout, string project)
    {
        var folder = Path.GetDirectoryName(project)!;
        foreach (var include in XDocument.Load(project).Descendants("ProjectReference").Select(e => (string?)e.Attribute("Include")).OfType<string>())
        {
            var resolved = include.Replace(CourseRootProperty, layout.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
            if (resolved.Contains("$(", StringComparison.Ordinal))
                throw new ExportException($"{Relative(layout, project)} references '{include}', whose MSBuild property the export cannot follow");
            yield return Path.GetFullPath(Path.Combine(folder, resolved.Replace('\\', Path.DirectorySeparatorChar)));
        }
    }

    static bool IsInside(string path, string folder) =>
        Path.GetFullPath(path).StartsWith(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    static string Relative(CourseLayout layout, string path) => Path.GetRelativePath(layout.Root, path).Replace('\\', '/');
}
