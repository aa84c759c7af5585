using Course.Grader.Report;
using Course.Grader.Run;
using Course.Grader.Score;
using Spectre.Console.Testing;
using static Course.Grader.Tests.Score.ScoreInputs;

namespace Course.Grader.Tests.Report;

/// <summary>
/// A visible test replayed on a public golden's hidden recording quotes the replay's expected values when it fails, and
/// its output can show the replay's inputs. A student graded several times could rebuild the replay's answers from them,
/// so every format a student reads withholds that test's message and output until the due date, and keeps its result.
/// </summary>
public class ReplayWithheldTests
{
    const string Expected = "loss (on the grade's own inputs, not your golden file's): expected 0.73125, got 0.5";
    const string Inputs = "current = [4, 1, 5, 9, 2, 6]";

    /// <summary>What the worker reports for a test whose golden was the hidden replay: the SDK's mark among its properties.</summary>
    static TestCaseResult Replayed(TestCaseResult result) => result with
    {
        Test = result.Test with
        {
            Properties = new Dictionary<string, IReadOnlyList<string>>(result.Test.Properties) { [TestCaseSpec.OnOtherInputsProperty] = ["true"] },
        },
    };

    /// <summary>Scored against the trusted list, which never carries the mark: it comes from the run.</summary>
    static GradeReport Report()
    {
        TestCaseSpec loss = Test("Loss_MatchesTheGolden", 4), mask = Test("Mask_HidesTheFuture", 3), grad = Test("Grad_MatchesTheGolden", 2);
        TestCaseResult[] results = [Replayed(Failed(loss, Expected, output: Inputs)), Failed(mask, "mask[0, 1]: expected 0, got 1"), Replayed(Passed(grad) with { Output = Inputs })];
        return ScoreStage.Score(Input(results, listed: [loss, mask, grad]));
    }

    static Dictionary<string, string> Formats(ReportView view)
    {
        var console = new TestConsole().Width(400);
        ConsoleReport.Write(console, view);
        return new()
        {
            ["console"] = console.Output,
            ["markdown"] = MarkdownReport.Write(view),
            ["classroom"] = ClassroomResult.Json(view),
            ["gradescope"] = GradescopeResults.Json(view),
            ["junit"] = JUnitReport.Write(view),
        };
    }

    [Test]
    public void Given_the_marked_result_When_scored_Then_only_the_replayed_tests_are_marked_and_the_report_keeps_their_message()
    {
        var report = Report();

        Assert.That(report.Tests.Where(t => t.OnOtherInputs).Select(t => t.Name), Is.EquivalentTo(new[] { "AttentionHeadTests.Loss_MatchesTheGolden", "AttentionHeadTests.Grad_MatchesTheGolden" }));
        Assert.That(report.Tests.Single(t => t.Name.EndsWith("Loss_MatchesTheGolden")).Message, Is.EqualTo(Expected), "the instructors' report is whole");
        Assert.That(JsonReport.Read(JsonReport.Write(report)).Tests.Select(t => t.OnOtherInputs), Is.EqualTo(report.Tests.Select(t => t.OnOtherInputs)));
    }

    [Test]
    public void Given_a_replayed_test_Before_the_due_date_Then_no_student_format_shows_its_message_or_output_but_each_shows_its_result()
    {
        foreach (var (format, text) in Formats(new ReportView(Report(), RevealHidden: false)))
        {
            Assert.That(text, Does.Not.Contain("0.73125").And.Not.Contain("4, 1, 5, 9"), $"{format} leaks the replay");
            Assert.That(text, Does.Contain("Loss_MatchesTheGolden").And.Contain("own inputs, not your golden file"), $"{format} hides the test itself");
            Assert.That(text, Does.Contain("mask[0, 1]: expected 0, got 1"), $"{format} withholds a test that ran on the golden file's inputs");
        }
    }

    /// <summary>
    /// A stub's words are the student's code's, which may write them from the replay's inputs: they stay withheld, but a replayed
    /// test that reached a stub says so, rather than sending the student to look for fragile code (a message audit, round 18).
    /// </summary>
    [Test]
    public void Given_a_replayed_test_that_reached_a_stub_Before_the_due_date_Then_each_student_format_says_not_implemented_yet_without_the_stubs_words()
    {
        var loss = Test("Loss_MatchesTheGolden", 4);
        var report = ScoreStage.Score(Input([Replayed(Failed(loss, ThrownException.NotImplementedYet + "Loss.Of: 4, 1, 5, 9"))], listed: [loss]));

        foreach (var (format, text) in Formats(new ReportView(report, RevealHidden: false)))
        {
            Assert.That(text, Does.Not.Contain("4, 1, 5, 9"), $"{format} shows the stub's own words");
            Assert.That(text, Does.Contain("not implemented yet: this test reached a stub").And.Not.Contain("own inputs, not your golden file"), format);
        }
        Assert.That(ReportView.FirstLine(ReportView.WithheldStubMessage), Is.EqualTo(ReportView.WithheldStubMessage), "whole within a table line");
    }

    [Test]
    public void Given_a_replayed_test_After_the_due_date_Then_every_format_shows_its_message()
    {
        foreach (var (format, text) in Formats(new ReportView(Report(), RevealHidden: true)))
            Assert.That(text, Does.Contain("0.73125"), format);
    }

    /// <summary>
    /// Code can take long or not on what a replay or a hidden test holds, and pass either way: a red team (stop 57) read a bit
    /// of a replay's inputs from a passing test's time in a student's JUnit report. A student's formats show no withheld
    /// test's time, alone or in a sum; the instructors' see them all after the due date.
    /// </summary>
    [Test]
    public void Given_withheld_tests_that_took_long_Before_the_due_date_Then_no_student_format_shows_their_time()
    {
        TestCaseSpec replayed = Test("Loss_MatchesTheGolden", 4), visible = Test("Mask_HidesTheFuture", 3), hidden = Test("Hidden_Loss", 2, visibility: "hidden");
        var report = ScoreStage.Score(Input([Replayed(Passed(replayed, seconds: 11.37)), Passed(visible, seconds: 0.5), Passed(hidden, seconds: 13.29)],
            listed: [replayed, visible, hidden]));
        // Each withheld time, and each sum with one in it, as seconds or milliseconds.
        string[] withheld = ["11.37", "1137", "11.87", "1187", "13.29", "1329", "13.79", "1379", "24.66", "2466", "25.16", "2516"];

        foreach (var (format, text) in Formats(new ReportView(report, RevealHidden: false)))
            Assert.That(withheld.Where(text.Contains), Is.Empty, $"{format} shows a withheld test's time:\n{text}");
        Assert.That(new ReportView(report, RevealHidden: false).ShownSeconds, Is.EqualTo(0.5));
        Assert.That(JUnitReport.Write(new ReportView(report, RevealHidden: true)), Does.Contain("time=\"11.37\"").And.Contain("time=\"13.29\""), "after the due date");
    }

    [Test]
    public void Given_a_replayed_test_Then_the_view_keeps_its_result_and_points()
    {
        var view = new ReportView(Report(), RevealHidden: false);

        Assert.That(view.Shown.Select(t => (t.Name, t.Passed, t.Score, t.MaxScore)), Is.EqualTo(view.Report.Tests.Select(t => (t.Name, t.Passed, t.Score, t.MaxScore))));
        Assert.That(view.Shown.Where(t => t.OnOtherInputs).Select(t => (t.Message, t.Output)),
            Is.EqualTo(new[] { ("", ""), (ReportView.WithheldReplayMessage, "") }));
        Assert.That(ReportView.FirstLine(ReportView.WithheldReplayMessage), Is.EqualTo(ReportView.WithheldReplayMessage.Split('\n')[0]),
            "the first line, all a table shows, is whole: it says to run the test (a table line's middle cut had dropped that)");
        Assert.That(view.WithheldSummary, Is.Null, "a replayed test is a visible test, not a hidden one");
    }
}
