namespace Course.Grader.Batch;

/// <summary>Every student's outcome, in the order the source listed them (with a <paramref name="Shard"/>, the shard's share only).</summary>
/// <param name="NotStarted">
/// Submissions left ungraded because this process holds work it could not stop (<see cref="BatchRequest.StopWhenWorkIsAbandoned"/>):
/// a fresh process must grade them.
/// </param>
public sealed record BatchResult(IReadOnlyList<BatchOutcome> Outcomes, Shard? Shard = null, int NotStarted = 0)
{
    public int Graded => Outcomes.Count(o => !o.Skipped && o.Entry.IsGrade);

    public int Skipped => Outcomes.Count(o => o.Skipped);

    public int GraderErrors => Outcomes.Count(o => o.IsGraderError);
}
