namespace Course.Grader.Batch;

/// <summary>How the graded commit's time was established: GitHub's push time can be trusted, a commit date can be forged.</summary>
public enum SubmissionTimeSource
{
    /// <summary>When the commit reached the server (GitHub's push events or Classroom's submission time).</summary>
    Pushed,
    /// <summary>The committer date recorded in the commit itself: a student can set it to anything.</summary>
    Committed,
    /// <summary>The time a <c>--dir</c> folder's manifest (<c>submissions.csv</c>) gives, e.g. the LMS's record of the upload.</summary>
    Manifest,
    /// <summary>The file's modification time, for submissions downloaded into a folder.</summary>
    FileTime,
    /// <summary>Unknown.</summary>
    None,
}

/// <summary>
/// One student's submission in a batch, before it is fetched: who, where from, which commit and when.
/// <paramref name="LaterPushes"/> counts commits pushed after the deadline that were not graded.
/// </summary>
public sealed record StudentSubmission(
    string Student,
    string Repository,
    string? Commit,
    DateTimeOffset? SubmittedAt,
    SubmissionTimeSource TimeSource,
    bool Late,
    int LaterPushes,
    string? Problem = null);

/// <summary>The deadline of a batch, with per-student extensions.</summary>
public sealed record DeadlinePolicy(DateTimeOffset? Deadline, IReadOnlyDictionary<string, DateTimeOffset> Extensions)
{
    public static readonly DeadlinePolicy None = new(null, new Dictionary<string, DateTimeOffset>());

    public DateTimeOffset? For(string student) => Extensions.TryGetValue(student, out var extended) ? extended : Deadline;
}

/// <summary>
/// Where a batch's submissions come from: an org's repositories, GitHub Classroom's accepted assignments,
/// or a folder of downloads. Each is listed, then fetched one by one as a folder or archive to grade.
/// </summary>
public interface ISubmissionSource
{
    /// <summary>Every student's submission, with the commit to grade picked by the deadline policy.</summary>
    Task<IReadOnlyList<StudentSubmission>> ListAsync(DeadlinePolicy deadline, CancellationToken cancellationToken);

    /// <summary>
    /// Fetches one submission into <paramref name="scratch"/> and returns the path of a folder, .zip or .tar.gz
    /// that <c>Submission.Parse</c> accepts. Throws <c>SubmissionException</c> for the student's problems (a corrupt
    /// archive, a missing commit) and other exceptions for the grader's own (network, auth).
    /// </summary>
    Task<string> FetchAsync(StudentSubmission submission, string scratch, CancellationToken cancellationToken);
}
