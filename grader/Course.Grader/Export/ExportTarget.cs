using Course.Grader.Manifest;

namespace Course.Grader.Export;

/// <summary>The folder a template is exported to: checked before anything is read, emptied (but for its .git) before writing.</summary>
public static class ExportTarget
{
    /// <summary>The course repo's folders an export reads from or must never reach: none may hold the output.</summary>
    static readonly string[] SourceFolders = [CourseLayout.ReferenceFolder, CourseLayout.StarterFolder, CourseLayout.AssignmentsFolder, "grader", "build"];

    /// <summary>Why <paramref name="outDir"/> cannot take an export, or null when it can.</summary>
    public static string? Problem(CourseLayout layout, string outDir, bool force)
    {
        var target = Full(outDir);
        var root = Full(layout.Root);
        if (File.Exists(target))
            return $"{outDir} is a file, not a folder";
        if (IsSameOrInside(root, target))
            return $"{outDir} holds the course repo; export to a folder outside it (or under its out/)";
        if (SourceFolders.Select(f => Path.Combine(root, f)).FirstOrDefault(f => IsSameOrInside(target, f)) is { } source)
            return $"{outDir} is inside {Path.GetRelativePath(root, source)}/, which the export reads; choose another folder";
        if (!force && Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            return $"{outDir} is not empty; pass --force to replace what it holds (a .git folder is kept)";
        return null;
    }

    /// <summary>Creates the folder, or empties it but for <c>.git</c>, so a template repo's clone can take a new export as one commit.</summary>
    internal static void Prepare(string outDir)
    {
        var target = Directory.CreateDirectory(outDir);
        foreach (var entry in target.EnumerateFileSystemInfos())
        {
            if (entry.Name == ".git") continue;
            if (entry is DirectoryInfo { LinkTarget: null } folder) folder.Delete(recursive: true);
            else entry.Delete();
        }
    }

    static string Full(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    static bool IsSameOrInside(string path, string folder) =>
        path == folder || path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
