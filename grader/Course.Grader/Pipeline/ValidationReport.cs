using Course.Grader.Fairness;
using Course.Grader.Score;

namespace Course.Grader.Pipeline;

/// <summary>One of validate's runs: its wall time (compile, worker start, tests, scoring) and the time its tests took, of how many that ran.</summary>
public sealed record RunTiming(string What, double WallSeconds, double TestSeconds, int TestsRun);

/// <summary>How stubbing one solution region scored: fewer points than the reference means a test guards it.</summary>
public sealed record RegionCheck(string Region, double Score, double MaxScore, IReadOnlyList<string> FailingTests)
{
    public bool Guarded => FailingTests.Count > 0;

    /// <summary>
    /// The check of a region from the grade of the reference with that region stubbed, run on the tests that can reach it
    /// (the others pass, as for the reference, and score full marks here); null when no test can reach it.
    /// </summary>
    public static RegionCheck From(string region, GradeReport? stubbed, double maxScore)
    {
        if (stubbed is null) return new RegionCheck(region, maxScore, maxScore, []);
        var failing = stubbed.Tests.Where(t => !t.Passed && t.Message != ScoreStage.NoResult).ToList();
        return new RegionCheck(region, maxScore - failing.Sum(t => t.MaxScore - t.Score), maxScore, [.. failing.Select(t => t.FullName)]);
    }
}

/// <summary>
/// Whether a homework's tests are fair: the reference gets full marks, also under the float noise of other hardware,
/// the starter gets none, the homework's files have none of the problems of <see cref="Authoring.HomeworkChecks"/>, putting back any single region's stub costs points, every correct variant of the corpus
/// keeps every point and every bug of it fails the tests that claim to catch it.
/// </summary>
public sealed record ValidationReport(string Assignment, GradeReport Reference, GradeReport Starter, IReadOnlyList<RegionCheck> Regions)
{
    /// <summary>The reference under <see cref="FloatNoise"/>; null when not run.</summary>
    public GradeReport? Noisy { get; init; }

    public IReadOnlyList<VariantCheck> Variants { get; init; } = [];

    /// <summary>Each run's wall time and its tests' own time, slowest first: where validate spends its time.</summary>
    public IReadOnlyList<RunTiming> Timings { get; init; } = [];

    /// <summary>What is wrong with the homework's files rather than its tests (<see cref="Authoring.HomeworkChecks"/>), one line each.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    public bool ReferenceFullMarks => FullMarks(Reference);

    public bool ReferenceHoldsUnderNoise => Noisy is null || FullMarks(Noisy);

    static bool FullMarks(GradeReport report) => report.Status == GradeStatus.Graded && report.MaxScore > 0 && report.Score == report.MaxScore;

    public bool StarterScoresZero => Starter.Score == 0;

    public IEnumerable<RegionCheck> Unguarded => Regions.Where(r => !r.Guarded);

    public bool Passed => Problems.Count == 0 && ReferenceFullMarks && ReferenceHoldsUnderNoise && StarterScoresZero && !Unguarded.Any() && Variants.All(v => v.Holds);
}
