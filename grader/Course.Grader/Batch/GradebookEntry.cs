using Course.Grader.Report;
using Course.Grader.Score;

namespace Course.Grader.Batch;

/// <summary>What a gradebook row says about a student: a grade, or why there is none.</summary>
public enum EntryStatus
{
    /// <summary>The tests ran; the score says how well.</summary>
    Graded,
    /// <summary>The homework did not compile: every test scored zero.</summary>
    CompileError,
    /// <summary>The manifest's policy refused a banned API.</summary>
    Rejected,
    /// <summary>There was nothing to grade (the source named a problem, or the submission could not be fetched): zero.</summary>
    NoSubmission,
    /// <summary>The grader itself failed for this student: no grade, and a rerun tries again.</summary>
    Error,
}

/// <summary>One test of a gradebook row, as regrade diffs and pass-rate tables need it.</summary>
public sealed record GradedTest(string Name, string Suite, bool Passed, double Score, double MaxScore);

/// <summary>
/// One row of the gradebook: a student's submission graded (or failed to be) with one test suite. Rows are
/// never updated: a regrade adds a row, and the latest row of a student is the grade.
/// </summary>
/// <param name="SubmissionKey">What the grade is of: the commit, or <c>sha256:…</c> of the content when there is none.</param>
/// <param name="ReportJson">The full report (<see cref="JsonReport"/>), for audits and re-posting; null when nothing was graded.</param>
public sealed record GradebookEntry(
    string Assignment,
    string Student,
    string Repository,
    string? Commit,
    string SubmissionKey,
    string GraderVersion,
    string TestSuiteHash,
    EntryStatus Status,
    double Score,
    double MaxScore,
    IReadOnlyList<GradedTest> Tests,
    bool Late,
    DateTimeOffset? SubmittedAt,
    SubmissionTimeSource TimeSource,
    DateTimeOffset GradedAt,
    string Message,
    string? ReportJson)
{
    /// <summary>The row's number in the gradebook: later rows have larger ones; 0 before it is recorded.</summary>
    public long Id { get; init; }

    /// <summary>The share of the class (<c>k/N</c>) whose run gave this row, with <c>course batch --shard</c>; else null.</summary>
    public string? Shard { get; init; }

    /// <summary>A grade a rerun may keep: everything but a grader error.</summary>
    public bool IsGrade => Status != EntryStatus.Error;

    public double Percent => MaxScore == 0 ? 0 : 100 * Score / MaxScore;

    public static GradebookEntry Graded(StudentSubmission submission, string submissionKey, GradeReport report) => new(
        report.Assignment, submission.Student, submission.Repository, report.Provenance.SubmissionCommit ?? submission.Commit, submissionKey,
        report.Provenance.GraderVersion, report.Provenance.TestSuiteHash, StatusOf(report.Status), report.Score, report.MaxScore,
        [.. report.Tests.Select(t => new GradedTest(t.Name, t.Suite, t.Passed, t.Score, t.MaxScore))],
        submission.Late, submission.SubmittedAt, submission.TimeSource, report.GradedAt, report.Summary, JsonReport.Write(report));

    /// <summary>
    /// A row without a grade: <see cref="EntryStatus.NoSubmission"/> (zero) or <see cref="EntryStatus.Error"/>. The message
    /// may quote a student's archive entry or an exception about their files, so it is made <see cref="ReportText.Block"/>.
    /// </summary>
    public static GradebookEntry Ungraded(
        string assignment, StudentSubmission submission, string submissionKey, string testSuiteHash, EntryStatus status, string message, DateTimeOffset now) => new(
        assignment, submission.Student, submission.Repository, submission.Commit, submissionKey, Pipeline.GradePipeline.GraderVersion, testSuiteHash,
        status, 0, 0, [], submission.Late, submission.SubmittedAt, submission.TimeSource, now, ReportText.Block(message), null);

    static EntryStatus StatusOf(GradeStatus status) => status switch
    {
        GradeStatus.Graded => EntryStatus.Graded,
        GradeStatus.CompileError => EntryStatus.CompileError,
        GradeStatus.Rejected => EntryStatus.Rejected,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
