namespace Course.Grader.Batch;

/// <summary>Every student's outcome, in the order the source listed them (with a <paramref name="Shard"/>, the shard's share only).</summary>
public sealed record BatchResult(IReadOnlyList<BatchOutcome> Outcomes, Shard? Shard = null)
{
    public int Graded => Outcomes.Count(o => !o.Skipped && o.Entry.IsGrade);

    public int Skipped => Outcomes.Count(o => o.Skipped);

    public int GraderErrors => Outcomes.Count(o => o.IsGraderError);
}
