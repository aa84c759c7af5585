namespace Course.Grader.Workspace;

public enum SubmissionKind
{
    Folder,
    Git,
    Zip,
    TarGz,
}

/// <summary>Where a submission comes from, as given on the command line.</summary>
/// <param name="Ref">For git: the branch, tag or commit to grade; null for the default branch.</param>
public sealed record Submission(SubmissionKind Kind, string Location, string? Ref = null)
{
    /// <summary>
    /// A folder, a <c>.zip</c>, a <c>.tar.gz</c>/<c>.tgz</c>, or a git URL (or local repository) with an
    /// optional <c>@ref</c>: <c>https://host/org/repo.git@v1</c>, <c>/path/to/repo@main</c>.
    /// </summary>
    public static Submission Parse(string text)
    {
        if (text.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) && File.Exists(text))
            return new(SubmissionKind.Zip, Path.GetFullPath(text));
        if ((text.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase) || text.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase)) && File.Exists(text))
            return new(SubmissionKind.TarGz, Path.GetFullPath(text));
        if (Directory.Exists(text)) // before splitting: "/home/a@b/repo" is a path, not "/home/a" at ref "b/repo"
            return new(HasGitFolder(text) ? SubmissionKind.Git : SubmissionKind.Folder, Path.GetFullPath(text));

        var (location, gitRef) = SplitRef(text);
        if (HasGitFolder(location) || Directory.Exists(location))
            return new(SubmissionKind.Git, Path.GetFullPath(location), gitRef);
        if (location.Contains("://", StringComparison.Ordinal) || location.EndsWith(".git", StringComparison.Ordinal) || location.StartsWith("git@", StringComparison.Ordinal))
            return new(SubmissionKind.Git, location, gitRef);
        throw new SubmissionException($"'{text}' is not a folder, a .zip, a .tar.gz or a git repository");
    }

    /// <summary>
    /// Whether <paramref name="folder"/> is a git work tree: its <c>.git</c> is a folder of its own, by lstat. A <c>.git</c>
    /// that is a link or a file (a worktree's <c>gitdir:</c>) names another repository, so the folder is graded as its files.
    /// </summary>
    static bool HasGitFolder(string folder) => FileEntry.Of(Path.Combine(folder, ".git")).Kind == FileKind.Directory;

    /// <summary>
    /// Splits "location@ref", leaving alone the user of scp-like URLs (<c>git@host:org/repo</c>) and of URLs with one
    /// (<c>https://x-access-token:TOKEN@github.com/org/repo.git</c>): an '@' inside the host part is no ref.
    /// </summary>
    static (string Location, string? Ref) SplitRef(string text)
    {
        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1) return (text, null);
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        var hostEnd = scheme < 0 ? -1 : text.IndexOf('/', scheme + 3);
        var inUserInfo = scheme >= 0 && (hostEnd < 0 || at < hostEnd);
        var after = text[(at + 1)..];
        return inUserInfo || after.Contains(':') ? (text, null) : (text[..at], after);
    }

    /// <summary>As given, but with any credentials in a URL's user part masked: this goes into reports students see.</summary>
    public override string ToString()
    {
        var location = Location;
        var scheme = location.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            var hostEnd = location.IndexOf('/', scheme + 3) is var slash and >= 0 ? slash : location.Length;
            var at = location.LastIndexOf('@', hostEnd - 1, hostEnd - scheme - 3);
            if (at >= 0) location = location[..(scheme + 3)] + "***" + location[at..];
        }
        return Ref is null ? location : $"{location}@{Ref}";
    }
}

/// <summary>A submission that cannot be read: the student's problem, reported as a graded result.</summary>
public sealed class SubmissionException(string message) : Exception(message);
