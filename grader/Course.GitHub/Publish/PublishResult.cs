namespace Course.GitHub.Publish;

/// <summary>What publishing did: the check run, and the feedback comment when there was somewhere to post it.</summary>
/// <param name="AnnotationRequests">Requests that carried annotations: the create, then one update per further 50.</param>
/// <param name="IssueNumber">The issue or pull request commented on; null when none was given and no "Feedback" pull request exists.</param>
/// <param name="CommentUpdated">Whether an earlier grade comment was edited rather than a new one posted.</param>
public sealed record PublishResult(
    long CheckRunId,
    string CheckRunUrl,
    int Annotations,
    int AnnotationRequests,
    int? IssueNumber,
    string? CommentUrl,
    bool CommentUpdated)
{
    /// <summary>One line per thing done, for the console.</summary>
    public IEnumerable<string> Lines()
    {
        yield return $"check run: {CheckRunUrl} ({Annotations} annotation(s))";
        yield return CommentUrl is null
            ? "comment: no \"Feedback\" pull request found and no --pr given; no comment posted"
            : $"comment: {CommentUrl} ({(CommentUpdated ? "updated" : "posted")})";
    }
}
