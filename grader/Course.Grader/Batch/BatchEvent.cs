namespace Course.Grader.Batch;

/// <summary>What a running batch tells its progress display, from whichever thread grades.</summary>
public abstract record BatchEvent;

/// <summary>The source listed the submissions: this many will be graded or skipped.</summary>
/// <param name="Submissions">Those of this run: with a <paramref name="Shard"/>, only the shard's share.</param>
/// <param name="Shard">The share of the class this run grades; null for the whole class.</param>
/// <param name="Listed">How many the source listed before the shard took its share.</param>
/// <param name="Retries">How many of them an earlier run's process died while grading: graded first, one at a time.</param>
public sealed record BatchListed(IReadOnlyList<StudentSubmission> Submissions, Shard? Shard = null, int Listed = 0, int Retries = 0) : BatchEvent;

/// <summary>A submission is being fetched and graded.</summary>
public sealed record GradingStarted(StudentSubmission Submission) : BatchEvent;

/// <summary>A submission is done: graded, skipped as already graded, or failed by the grader; its row is committed.</summary>
public sealed record GradingFinished(BatchOutcome Outcome) : BatchEvent;
