using Course.Grader.Manifest;
using Course.Grader.Score;

namespace Course.Grader.Report;

/// <summary>
/// What a student may see of a report: hidden tests only as a count until the due date has passed
/// (<paramref name="RevealHidden"/>), after-due-date tests likewise.
/// </summary>
public sealed record ReportView(GradeReport Report, bool RevealHidden)
{
    public IEnumerable<TestGrade> Shown => Report.Tests.Where(IsShown);

    public IReadOnlyList<TestGrade> Withheld => Report.Tests.Where(t => !IsShown(t)).ToList();

    public bool IsShown(TestGrade test) => RevealHidden || test.Visibility == TestVisibility.Visible;

    /// <summary>"2 of 3 hidden tests passed (7/10 points)", or null when nothing is withheld.</summary>
    public string? WithheldSummary
    {
        get
        {
            var withheld = Withheld;
            if (withheld.Count == 0) return null;
            return $"{withheld.Count(t => t.Passed)} of {withheld.Count} hidden tests passed " +
                   $"({ScoreStage.Format(withheld.Sum(t => t.Score))}/{ScoreStage.Format(withheld.Sum(t => t.MaxScore))} points)";
        }
    }

    /// <summary>The first line of a message, for tables; the whole message goes in details.</summary>
    public static string FirstLine(string message, int max = 160)
    {
        return TextCut.Ellipsis(message.Split('\n', 2)[0].Trim(), max);
    }
}
