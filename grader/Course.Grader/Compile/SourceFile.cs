using Course.Grader.Authoring;

namespace Course.Grader.Compile;

/// <summary>One C# file to compile. <paramref name="Path"/> is how diagnostics and stack traces name it (relative, '/'-separated).</summary>
public sealed record SourceFile(string Path, string Text)
{
    /// <summary>The .cs files of a project folder (not bin/ or obj/), named relative to <paramref name="relativeTo"/>, in ordinal order.</summary>
    public static IReadOnlyList<SourceFile> ReadFolder(string directory, string relativeTo) =>
        ProjectFiles.List(directory)
            .Where(file => file.EndsWith(".cs", StringComparison.Ordinal))
            .Select(file => System.IO.Path.Combine(directory, file))
            .Select(file => new SourceFile(System.IO.Path.GetRelativePath(relativeTo, file).Replace('\\', '/'), File.ReadAllText(file)))
            .ToList();
}
