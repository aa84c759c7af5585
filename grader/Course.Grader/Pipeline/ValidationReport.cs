using Course.Grader.Fairness;
using Course.Grader.Score;

namespace Course.Grader.Pipeline;

/// <summary>How stubbing one solution region scored: fewer points than the reference means a test guards it.</summary>
public sealed record RegionCheck(string Region, double Score, double MaxScore, IReadOnlyList<string> FailingTests)
{
    public bool Guarded => Score < MaxScore;
}

/// <summary>
/// Whether a homework's tests are fair: the reference gets full marks, also under the float noise of other hardware,
/// the starter gets none, putting back any single region's stub costs points, every correct variant of the corpus
/// keeps every point and every bug of it fails the tests that claim to catch it.
/// </summary>
public sealed record ValidationReport(string Assignment, GradeReport Reference, GradeReport Starter, IReadOnlyList<RegionCheck> Regions)
{
    /// <summary>The reference under <see cref="FloatNoise"/>; null when not run.</summary>
    public GradeReport? Noisy { get; init; }

    public IReadOnlyList<VariantCheck> Variants { get; init; } = [];

    public bool ReferenceFullMarks => FullMarks(Reference);

    public bool ReferenceHoldsUnderNoise => Noisy is null || FullMarks(Noisy);

    static bool FullMarks(GradeReport report) => report.Status == GradeStatus.Graded && report.MaxScore > 0 && report.Score == report.MaxScore;

    public bool StarterScoresZero => Starter.Score == 0;

    public IEnumerable<RegionCheck> Unguarded => Regions.Where(r => !r.Guarded);

    public bool Passed => ReferenceFullMarks && ReferenceHoldsUnderNoise && StarterScoresZero && !Unguarded.Any() && Variants.All(v => v.Holds);
}
