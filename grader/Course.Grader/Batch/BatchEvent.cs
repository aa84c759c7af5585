namespace Course.Grader.Batch;

/// <summary>What a running batch tells its progress display, from whichever thread grades.</summary>
public abstract record BatchEvent;

/// <summary>The source listed the submissions: this many will be graded or skipped.</summary>
public sealed record BatchListed(IReadOnlyList<StudentSubmission> Submissions) : BatchEvent;

/// <summary>A submission is being fetched and graded.</summary>
public sealed record GradingStarted(StudentSubmission Submission) : BatchEvent;

/// <summary>A submission is done: graded, skipped as already graded, or failed by the grader; its row is committed.</summary>
public sealed record GradingFinished(BatchOutcome Outcome) : BatchEvent;
