using Course.Grader.Batch;

namespace Course.Gradebook.Export;

/// <summary>One test's pass rate over the students whose submission ran it.</summary>
public sealed record TestPassRate(string Name, int Passed, int Ran)
{
    public double Percent => Ran == 0 ? 0 : 100.0 * Passed / Ran;
}

/// <summary>
/// The class at a glance, from each student's latest row. Score statistics are in percent and cover every student with
/// a grade (a missing submission counts as zero); grader errors have no grade and are only counted.
/// </summary>
/// <param name="PassPercent">The percent a student needs to count as passing.</param>
public sealed record GradebookSummary(
    string Assignment,
    int Students,
    int Graded,
    double MaxScore,
    double Mean,
    double Median,
    double Min,
    double Max,
    double PassPercent,
    int Passing,
    int Late,
    int NoSubmission,
    int GraderErrors,
    IReadOnlyList<TestPassRate> Tests)
{
    public static GradebookSummary Of(string assignment, IReadOnlyList<GradebookEntry> latest, double passPercent = 50)
    {
        var graded = latest.Where(e => e.IsGrade).ToList();
        var percents = graded.Select(e => e.Percent).Order().ToList();
        var tests = graded.SelectMany(e => e.Tests)
            .GroupBy(t => t.Name, StringComparer.Ordinal)
            .Select(g => new TestPassRate(g.Key, g.Count(t => t.Passed), g.Count()))
            .OrderBy(t => t.Percent).ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        return new GradebookSummary(
            assignment, latest.Count, graded.Count,
            graded.Select(e => e.MaxScore).DefaultIfEmpty(0).Max(),
            percents.Count == 0 ? 0 : percents.Average(),
            MedianOf(percents),
            percents.FirstOrDefault(),
            percents.LastOrDefault(),
            passPercent,
            percents.Count(p => p >= passPercent),
            latest.Count(e => e.Late),
            latest.Count(e => e.Status == EntryStatus.NoSubmission),
            latest.Count(e => !e.IsGrade),
            tests);
    }

    static double MedianOf(IReadOnlyList<double> sorted) => sorted.Count switch
    {
        0 => 0,
        var n when n % 2 == 1 => sorted[n / 2],
        var n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    };
}
