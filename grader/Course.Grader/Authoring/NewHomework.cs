using System.Text.RegularExpressions;
using Course.Grader.Manifest;
using Microsoft.CodeAnalysis.CSharp;

namespace Course.Grader.Authoring;

/// <summary>What <see cref="NewHomework.Create"/> wrote.</summary>
/// <param name="Files">Every file written, relative to the course root with '/' separators, in ordinal order.</param>
/// <param name="SolutionProjects">The project files added to Course.sln, relative to the course root.</param>
public sealed record NewHomeworkResult(string Id, string Project, IReadOnlyList<string> Files, IReadOnlyList<string> SolutionProjects);

/// <summary>A homework could not be scaffolded; nothing of it was left behind.</summary>
public sealed class NewHomeworkException(string message) : Exception(message);

/// <summary>
/// <c>course new</c>: scaffolds a complete, passing homework from nothing, as the course lays one out: the reference
/// project with one solution region, its public tests, the hidden tests, a manifest with every key commented, a handout,
/// a fairness corpus, the generated starter, and the four projects in Course.sln. <c>course validate</c> passes on it
/// as written (100 points: reference full marks, starter zero, the region guarded, the variants holding).
/// </summary>
public static partial class NewHomework
{
    /// <summary>Why <paramref name="id"/>, <paramref name="project"/> and <paramref name="title"/> cannot make a new homework in
    /// <paramref name="layout"/> (malformed, or a homework or project of that name exists), or null when they can.</summary>
    public static string? Problem(CourseLayout layout, string id, string project, string title)
    {
        if (!IdPattern().IsMatch(id))
            return $"'{id}' is not a homework id: lowercase letters, digits and single hyphens, starting with a letter (e.g. hw10-example)";
        if (!IsDottedIdentifier(project))
            return $"'{project}' is not a project name: a dotted C# identifier, each part a letter or '_' then letters, digits or '_', no keywords (e.g. Hw10.Example)";
        if (project.EndsWith(".Tests", StringComparison.Ordinal) || project.EndsWith(".HiddenTests", StringComparison.Ordinal))
            return $"'{project}' is a test project's name; give the homework project's name (e.g. Hw10.Example), its tests get '.Tests'";
        if (string.IsNullOrWhiteSpace(title) || title.Any(char.IsControl))
            return "--title must be a non-empty line of text";
        foreach (var folder in new[] { layout.ReferenceDir(id), layout.StarterDir(id), layout.AssignmentDir(id) })
        {
            if (Directory.Exists(folder))
                return $"homework '{id}' exists: {Path.GetRelativePath(layout.Root, folder).Replace('\\', '/')}/ is already there";
        }
        var taken = SolutionProjectNames(layout);
        foreach (var name in NewHomeworkFiles.ProjectNames(project))
        {
            if (taken.Contains(name))
                return $"project '{name}' exists in {CourseLayout.SolutionFileName}; pick another --project";
        }
        var otherHomework = layout.AssignmentIds().FirstOrDefault(other =>
            File.ReadLines(layout.ManifestPath(other)).Any(line => line.Trim() == $"project: {project}"));
        return otherHomework is null ? null : $"project '{project}' is the project of homework '{otherHomework}'; pick another --project";
    }

    /// <summary>Writes the homework, generates its starter and adds its projects to Course.sln.</summary>
    /// <exception cref="ArgumentException">See <see cref="Problem"/>; nothing was written.</exception>
    /// <exception cref="NewHomeworkException">Course.sln could not take the projects; every file written was removed again.</exception>
    public static NewHomeworkResult Create(CourseLayout layout, string id, string project, string title)
    {
        if (Problem(layout, id, project, title) is { } problem)
            throw new ArgumentException(problem);
        var files = NewHomeworkFiles.For(id, project, title.Trim());
        var written = new List<string>();
        try
        {
            foreach (var (path, content) in files)
            {
                var full = Path.Combine(layout.Root, path.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                File.WriteAllText(full, content);
                written.Add(path);
            }
            var sync = new StarterSync(layout).Apply(id);
            written.AddRange(sync.Missing.Concat(sync.Stale).Select(p => $"{CourseLayout.StarterFolder}/{id}/{p}"));

            var starterProject = $"{CourseLayout.StarterFolder}/{id}/{project}/{project}.csproj";
            List<string> projects = [.. files.Keys.Where(p => p.EndsWith(".csproj", StringComparison.Ordinal)), starterProject];
            projects.Sort(StringComparer.Ordinal);
            SolutionEntries.Add(layout, projects);
            written.Sort(StringComparer.Ordinal);
            return new NewHomeworkResult(id, project, written, projects);
        }
        catch
        {
            foreach (var folder in new[] { layout.ReferenceDir(id), layout.StarterDir(id), layout.AssignmentDir(id) })
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
            throw;
        }
    }

    /// <summary>The names of the projects Course.sln lists (solution folders included).</summary>
    static HashSet<string> SolutionProjectNames(CourseLayout layout)
    {
        var path = Path.Combine(layout.Root, CourseLayout.SolutionFileName);
        return File.Exists(path)
            ? File.ReadLines(path).Select(line => SolutionProjectLine().Match(line)).Where(m => m.Success)
                .Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.OrdinalIgnoreCase)
            : [];
    }

    static bool IsDottedIdentifier(string name) =>
        name.Length > 0 && name.Split('.').All(part =>
            SyntaxFacts.IsValidIdentifier(part) && part.All(char.IsAscii) && SyntaxFacts.GetKeywordKind(part) == SyntaxKind.None);

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("""^Project\("\{[^}]*\}"\) = "(?<name>[^"]*)",""")]
    private static partial Regex SolutionProjectLine();
}
