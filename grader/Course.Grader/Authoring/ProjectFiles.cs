namespace Course.Grader.Authoring;

/// <summary>The files of a homework folder, without build outputs.</summary>
internal static class ProjectFiles
{
    private static readonly HashSet<string> BuildOutputFolders = new(StringComparer.OrdinalIgnoreCase) { "bin", "obj" };

    /// <summary>Paths relative to <paramref name="directory"/>, with '/' separators, in ordinal order.</summary>
    public static IReadOnlyList<string> List(string directory)
    {
        if (!Directory.Exists(directory))
            return [];
        var files = new List<string>();
        Collect(directory, directory, files);
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    public static bool IsBuildOutputFolder(string directory) => BuildOutputFolders.Contains(Path.GetFileName(directory));

    private static void Collect(string root, string directory, List<string> files)
    {
        foreach (var file in Directory.EnumerateFiles(directory))
            files.Add(Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/'));
        foreach (var child in Directory.EnumerateDirectories(directory).Where(d => !IsBuildOutputFolder(d)))
            Collect(root, child, files);
    }
}
