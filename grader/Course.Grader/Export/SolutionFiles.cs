using System.Security.Cryptography;
using System.Text;
using Course.Grader.Manifest;

namespace Course.Grader.Export;

/// <summary>
/// The two solutions of a student repo: one at the root with the student's projects, so that <c>dotnet test</c> and
/// IDEs find them; and <c>Course.sln</c> in <see cref="StudentRepo.CourseFolder"/> with the grader's projects, which
/// also marks that folder as a course repo for <see cref="CourseLayout.FindFrom"/>.
/// </summary>
internal static class SolutionFiles
{
    const string CSharpProjectType = "{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}";

    /// <param name="projects">Project files relative to the root, '/' separators.</param>
    public static TemplateFile Student(string name, IEnumerable<string> projects)
    {
        var text = new StringBuilder("<Solution>\n");
        foreach (var project in projects.Order(StringComparer.Ordinal))
            text.Append($"  <Project Path=\"{project}\" />\n");
        return TemplateFile.Text($"{name}.slnx", text.Append("</Solution>\n").ToString());
    }

    /// <param name="projects">Project files relative to the course folder, '/' separators.</param>
    public static TemplateFile Grader(IEnumerable<string> projects)
    {
        var entries = projects.Order(StringComparer.Ordinal).Select(p => (Path: p, Id: StableGuid(p))).ToList();
        var text = new StringBuilder("""
            Microsoft Visual Studio Solution File, Format Version 12.00
            # Visual Studio Version 17
            VisualStudioVersion = 17.0.31903.59
            MinimumVisualStudioVersion = 10.0.40219.1

            """);
        foreach (var (path, id) in entries)
            text.Append($"Project(\"{CSharpProjectType}\") = \"{System.IO.Path.GetFileNameWithoutExtension(path)}\", \"{path.Replace('/', '\\')}\", \"{id}\"\nEndProject\n");
        text.Append("Global\n\tGlobalSection(SolutionConfigurationPlatforms) = preSolution\n")
            .Append("\t\tDebug|Any CPU = Debug|Any CPU\n\t\tRelease|Any CPU = Release|Any CPU\n\tEndGlobalSection\n")
            .Append("\tGlobalSection(ProjectConfigurationPlatforms) = postSolution\n");
        foreach (var (_, id) in entries)
        {
            foreach (var configuration in new[] { "Debug", "Release" })
            {
                text.Append($"\t\t{id}.{configuration}|Any CPU.ActiveCfg = {configuration}|Any CPU\n");
                text.Append($"\t\t{id}.{configuration}|Any CPU.Build.0 = {configuration}|Any CPU\n");
            }
        }
        text.Append("\tEndGlobalSection\nEndGlobal\n");
        return TemplateFile.Text($"{StudentRepo.CourseFolder}/{CourseLayout.SolutionFileName}", text.ToString());
    }

    /// <summary>The same project gets the same id in every export, so re-exports diff cleanly.</summary>
    static string StableGuid(string path) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(path)).AsSpan(0, 16)).ToString("B").ToUpperInvariant();
}
