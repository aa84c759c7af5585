using Course.Grader.Score;

namespace Course.Grader.Pipeline;

/// <summary>How stubbing one solution region scored: fewer points than the reference means a test guards it.</summary>
public sealed record RegionCheck(string Region, double Score, double MaxScore, IReadOnlyList<string> FailingTests)
{
    public bool Guarded => Score < MaxScore;
}

/// <summary>
/// Whether a homework's tests are fair: the reference gets full marks, the starter gets none, and putting
/// back any single region's stub costs points.
/// </summary>
public sealed record ValidationReport(string Assignment, GradeReport Reference, GradeReport Starter, IReadOnlyList<RegionCheck> Regions)
{
    public bool ReferenceFullMarks => Reference.Status == GradeStatus.Graded && Reference.MaxScore > 0 && Reference.Score == Reference.MaxScore;

    public bool StarterScoresZero => Starter.Score == 0;

    public IEnumerable<RegionCheck> Unguarded => Regions.Where(r => !r.Guarded);

    public bool Passed => ReferenceFullMarks && StarterScoresZero && !Unguarded.Any();
}
