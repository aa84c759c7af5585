using System.Xml.Linq;

namespace Course.Grader.Manifest;

/// <summary>One <c>&lt;ProjectReference Include="..."/&gt;</c> of a project file.</summary>
/// <param name="Include">As written.</param>
/// <param name="Path">The full path it names, with <c>$(CourseRoot)</c> taken as the course root; null when it names
/// another MSBuild property, which only MSBuild could follow.</param>
public sealed record ProjectReference(string Include, string? Path);

/// <summary>The project references of a course project file, resolved as the course's build resolves them.</summary>
public static class ProjectReferences
{
    const string CourseRootProperty = "$(CourseRoot)";

    public static IReadOnlyList<ProjectReference> Of(CourseLayout layout, string projectFile)
    {
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(projectFile))!;
        return XDocument.Load(projectFile).Descendants("ProjectReference").Select(e => (string?)e.Attribute("Include")).OfType<string>()
            .Select(include =>
            {
                var resolved = include.Replace(CourseRootProperty, layout.Root + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);
                return new ProjectReference(include, resolved.Contains("$(", StringComparison.Ordinal)
                    ? null
                    : System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, resolved.Replace('\\', System.IO.Path.DirectorySeparatorChar))));
            })
            .ToList();
    }

    /// <summary>Whether <paramref name="path"/> lies under <paramref name="folder"/>.</summary>
    public static bool IsInside(string path, string folder) =>
        System.IO.Path.GetFullPath(path).StartsWith(
            System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(folder)) + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
