using System.Text.RegularExpressions;
using Course.Grader.Manifest;
using Course.Grader.Score;

namespace Course.Grader.Report;

/// <summary>
/// What a student may see of a report: hidden tests only as a count until the due date has passed
/// (<paramref name="RevealHidden"/>), after-due-date tests likewise. A visible test that ran on a public golden's hidden
/// replay (<see cref="TestGrade.OnOtherInputs"/>) is shown with its result and points, but not its message or output
/// until then: they quote the replay's expected values and inputs. Nor is a withheld test's time shown, or counted in a time
/// that is: code can take long or not on what a replay holds, and a red team (stop 57) read a bit of a replay's inputs
/// from a passing test's time in a student's JUnit report.
/// </summary>
public sealed record ReportView(GradeReport Report, bool RevealHidden)
{
    /// <summary>The tests shown, each as <see cref="AsShown"/> gives it.</summary>
    public IEnumerable<TestGrade> Shown => Report.Tests.Where(IsShown).Select(AsShown);

    /// <summary>What a student may see of a test: a replayed test's message and output withheld, unless revealed.</summary>
    public TestGrade AsShown(TestGrade test) =>
        RevealHidden || !test.OnOtherInputs ? test
        : test with { Message = test.Passed ? "" : IsStub(test) ? WithheldStubMessage : WithheldReplayMessage, Output = "", DurationSeconds = 0 };

    /// <summary>
    /// Whether a replayed test ended in a stub's NotImplementedException: its own words, which student code writes and may write
    /// from the replay's inputs, stay withheld, but that a stub was reached is one fact about the run, as its result is.
    /// </summary>
    static bool IsStub(TestGrade test) => test.Message.StartsWith(Run.ThrownException.NotImplementedYet, StringComparison.Ordinal);

    /// <summary>The seconds a student may see: the tests shown, as shown.</summary>
    public double ShownSeconds => Shown.Sum(t => t.DurationSeconds);

    /// <summary>A replayed test's message in a student's report before the due date.</summary>
    /// <remarks>
    /// It cannot say whether the code fails the public golden too (a grade runs only the replay), so it sends the student to
    /// run the test, whose own message then says what differs: a red team (stop 60) found the old text, which spoke only of
    /// code that holds for the golden file's inputs alone, shown for stubs and plain bugs that fail the public golden as well.
    /// </remarks>
    /// <remarks>Its first line, all a report's table shows, is whole within a table line's 160 characters.</remarks>
    public const string WithheldReplayMessage =
        "Failed on the grade's own inputs, not your golden file's (details withheld until the due date): run this test on your machine.\n" +
        "If it fails there too, its message there says what differs. If it passes there, look for code that holds only for your " +
        "golden file's inputs (a constant, a shape, a special case) or that is numerically fragile.";

    /// <summary>
    /// A replayed test's message before the due date when it reached a stub: a red team (round 18) read the withheld text, which
    /// sends the student to look for fragile code, on every stubbed golden test of a starter. Its first line is whole within a
    /// table line's 160 characters.
    /// </summary>
    public const string WithheldStubMessage =
        "not implemented yet: this test reached a stub (a NotImplementedException) on the grade's own inputs; run it on your machine to see which.";

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

    /// <summary>
    /// The first line of a message, for tables (the whole message goes in details, where a format has them). A test's first
    /// line reads subject, facts ("got X, expected Y") and likely bug, so one that is too long keeps the subject's start, the
    /// facts from their first word and as much after them as fits: the console shows this line alone, and a message audit
    /// (stop 63) found the old middle cut dropping the facts between a long subject and a long hint. A line with no facts
    /// keeps its start and its end (<see cref="TextCut.Middle"/>).
    /// </summary>
    public static string FirstLine(string message, int max = 160)
    {
        const string Gap = " … ";
        var line = message.Split('\n', 2)[0].Trim();
        if (line.Length <= max) return line;
        var facts = Facts.Match(line);
        if (!facts.Success || max < 20) return TextCut.Middle(line, max);
        var subject = max * 2 / 5;
        if (facts.Index <= subject) return TextCut.Ellipsis(line, max);
        var head = TextCut.Prefix(line, subject);
        return head + Gap + TextCut.Ellipsis(line[facts.Index..], max - head.Length - Gap.Length);
    }

    /// <summary>Where a message's facts begin: its first "worst at" (TensorAssert's worst entry), "got" or "expected", as words.</summary>
    static readonly Regex Facts = new(@"\b(worst at|got|expected)\b", RegexOptions.CultureInvariant);
}
