namespace Course.GitHub.Publish;

/// <summary>Where a grade is published: the repository, the graded commit, and optionally the issue or pull request to comment on.</summary>
/// <param name="IssueNumber">The issue or pull request for the feedback comment; null to look for GitHub Classroom's "Feedback" pull request.</param>
public sealed record PublishTarget(string Owner, string Name, string Sha, int? IssueNumber = null)
{
    public string Repository => $"{Owner}/{Name}";

    /// <summary>Splits "owner/name"; null when it is not of that form.</summary>
    public static (string Owner, string Name)? SplitRepository(string? repository)
    {
        var parts = (repository ?? "").Split('/');
        return parts is [{ Length: > 0 } owner, { Length: > 0 } name] ? (owner, name) : null;
    }
}
