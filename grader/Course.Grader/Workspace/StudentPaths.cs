using Course.Grader.Manifest;

namespace Course.Grader.Workspace;

/// <summary>
/// Where the student's files sit in their repository. A report names them as the manifest does
/// (<c>Attention.cs</c>); GitHub annotates paths from the repository root (<c>Hw3.Attention/Attention.cs</c>).
/// </summary>
/// <param name="ProjectFolder">The folder, relative to the repository root with '/' separators, "" for the root.</param>
public sealed record StudentPaths(string ProjectFolder)
{
    public string InRepository(string file) => ProjectFolder.Length == 0 ? file : $"{ProjectFolder}/{file}";

    /// <summary>The layout of a repository made from the starter: the files in the project folder.</summary>
    public static StudentPaths Default(AssignmentManifest manifest) => new(manifest.Project);

    /// <summary>
    /// Where a local checkout of the repository holds the student files (the folder with most of them, preferring one
    /// named after the project, then the shallowest), or <see cref="Default"/> when it holds none.
    /// </summary>
    public static StudentPaths Find(string checkout, AssignmentManifest manifest)
    {
        var root = Path.GetFullPath(checkout);
        var best = WorkspaceStage.FindProjectFolder(manifest, root);
        if (best is null) return Default(manifest);
        var relative = Path.GetRelativePath(root, best).Replace('\\', '/');
        return new StudentPaths(relative == "." ? "" : relative);
    }

    /// <summary>
    /// Where a repository's file list (<paramref name="repositoryFiles"/>, '/'-separated) holds <paramref name="files"/>: the
    /// folder with most of them, then the shallowest; the root when it holds none.
    /// </summary>
    public static StudentPaths InTree(IEnumerable<string> repositoryFiles, IEnumerable<string> files)
    {
        var wanted = files.Distinct(StringComparer.Ordinal).ToList();
        var folders = repositoryFiles
            .SelectMany(path => wanted.Where(f => path == f || path.EndsWith("/" + f, StringComparison.Ordinal))
                .Select(f => path[..^f.Length].TrimEnd('/')))
            .GroupBy(folder => folder, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Count(c => c == '/') + (g.Key.Length == 0 ? 0 : 1)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key)
            .FirstOrDefault();
        return new StudentPaths(folders ?? "");
    }
}
