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
        if (Directory.Exists(text) && !Directory.Exists(Path.Combine(text, ".git")))
            return new(SubmissionKind.Folder, Path.GetFullPath(text));

        var (location, gitRef) = SplitRef(text);
        if (Directory.Exists(Path.Combine(location, ".git")) || Directory.Exists(location))
            return new(SubmissionKind.Git, Path.GetFullPath(location), gitRef);
        if (location.Contains("://", StringComparison.Ordinal) || location.EndsWith(".git", StringComparison.Ordinal) || location.StartsWith("git@", StringComparison.Ordinal))
            return new(SubmissionKind.Git, location, gitRef);
        throw new SubmissionException($"'{text}' is not a folder, a .zip, a .tar.gz or a git repository");
    }

    /// <summary>Splits "location@ref", leaving the "user@" of scp-like URLs (git@host:org/repo) alone.</summary>
    static (string Location, string? Ref) SplitRef(string text)
    {
        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1) return (text, null);
        var before = text[..at];
        var after = text[(at + 1)..];
        var isUserPart = !before.Contains('/') && !before.Contains('\\') && after.Contains(':');
        return isUserPart || after.Contains(':') ? (text, null) : (before, after);
    }

    public override string ToString() => Ref is null ? Location : $"{Location}@{Ref}";
}

/// <summary>A submission that cannot be read: the student's problem, reported as a graded result.</summary>
public sealed class SubmissionException(string message) : Exception(message);
