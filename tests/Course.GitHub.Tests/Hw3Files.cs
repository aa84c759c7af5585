using Course.Grader.Manifest;

namespace Course.GitHub.Tests;

/// <summary>hw3-attention's student files as a student's repository holds them (<c>Hw3.Attention/Attention.cs</c>, ...).</summary>
public static class Hw3Files
{
    public const string Assignment = "hw3-attention";

    public static readonly CourseLayout Layout = CourseLayout.FindFrom(AppContext.BaseDirectory);

    public static readonly AssignmentManifest Manifest = Layout.LoadManifest(Assignment);

    public static IReadOnlyDictionary<string, string> Starter => From(Path.Combine(Layout.StarterDir(Assignment), Manifest.Project));

    public static IReadOnlyDictionary<string, string> Reference => From(Path.Combine(Layout.ReferenceDir(Assignment), Manifest.Project));

    /// <summary>The half-done submission bundled with the assignment.</summary>
    public static IReadOnlyDictionary<string, string> Partial => From(Path.Combine(Layout.AssignmentDir(Assignment), "examples", "partial"));

    /// <summary>The reference with one file that does not compile.</summary>
    public static IReadOnlyDictionary<string, string> Broken =>
        new Dictionary<string, string>(Reference) { [$"{Manifest.Project}/Attention.cs"] = "namespace Hw3.Attention;\npublic static class Attention { this does not compile }\n" };

    static IReadOnlyDictionary<string, string> From(string folder) =>
        Manifest.StudentFiles.ToDictionary(f => $"{Manifest.Project}/{f}", f => File.ReadAllText(Path.Combine(folder, f)));
}
