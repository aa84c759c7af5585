using Course.Grader.Run;
using Course.Grader.Score;
using Course.Grader.Tests.Pipeline;
using static Course.Grader.Tests.Score.ScoreInputs;

namespace Course.Grader.Tests.Score;

/// <summary>
/// Scoring goes by the grader's own list of tests, never by what the test process reports: what a forged or broken
/// report says about other tests, points or visibility changes nothing.
/// </summary>
public class TrustedListScoringTests
{
    static readonly TestCaseSpec Forward = Test("Forward_IsCausal", points: 4);
    static readonly TestCaseSpec Backward = Test("Backward_ReachesEveryParameter", points: 6);

    [Test]
    public void Given_a_result_for_a_test_not_on_the_list_When_scored_Then_it_is_ignored()
    {
        var forged = Passed(Test("Forged_Extra", points: 100));

        var report = ScoreStage.Score(Input([Passed(Forward), Failed(Backward), forged], listed: [Forward, Backward]));

        Assert.That(report.Tests.Select(t => t.Name), Is.EqualTo(new[] { "AttentionHeadTests.Backward_ReachesEveryParameter", "AttentionHeadTests.Forward_IsCausal" }));
        Assert.That((report.Score, report.MaxScore), Is.EqualTo((4.0, 10.0)));
    }

    [Test]
    public void Given_a_listed_test_without_a_result_When_scored_Then_it_fails_saying_no_result_came()
    {
        var report = ScoreStage.Score(Input([Passed(Forward)], listed: [Forward, Backward]));

        var missing = report.Test("AttentionHeadTests.Backward_ReachesEveryParameter");
        Assert.That((missing.Passed, missing.Score, missing.MaxScore, missing.Message), Is.EqualTo((false, 0.0, 6.0, ScoreStage.NoResult)));
        Assert.That(report.Summary, Does.StartWith("4/10 points; 1 of 2 tests passed."));
    }

    [Test]
    public void Given_a_result_claiming_other_points_or_visibility_When_scored_Then_the_lists_points_and_visibility_count()
    {
        var claimed = Test("Forward_IsCausal", points: 1000, visibility: "visible");
        var listed = Test("Forward_IsCausal", points: 4, visibility: "hidden");

        var report = ScoreStage.Score(Input([Passed(claimed)], listed: [listed]));

        Assert.That((report.Score, report.MaxScore, report.Tests[0].Visibility), Is.EqualTo((4.0, 4.0, Course.Grader.Manifest.TestVisibility.Hidden)));
    }

    [Test]
    public void Given_fewer_reported_cases_than_listed_When_scored_Then_the_missing_cases_fail_and_the_points_stay_split_over_all()
    {
        var cases = Cases("Softmax_SumsToOne", 3, points: 6);
        var reportedAsOnlyCase = cases[0] with { CaseCount = 1 };

        var report = ScoreStage.Score(Input([Passed(reportedAsOnlyCase)], listed: cases));

        Assert.That(report.Tests.Select(t => (t.Score, t.MaxScore)), Is.EqualTo(new[] { (2.0, 2.0), (0.0, 2.0), (0.0, 2.0) }));
    }

    [Test]
    public void Given_a_refusal_When_scored_Then_every_listed_test_scores_zero_saying_why_and_the_grade_is_rejected()
    {
        var report = ScoreStage.Score(Input([], listed: [Forward, Backward], refusal: "your code changes what the tests call"));

        Assert.That(report.Status, Is.EqualTo(GradeStatus.Rejected));
        Assert.That(report.Tests.Select(t => (t.Score, t.Message)), Has.All.EqualTo((0.0, "Not run: your code changes what the tests call")));
        Assert.That(report.Summary, Is.EqualTo("0/10 points; 0 of 2 tests passed. The submission was refused, so no test ran: your code changes what the tests call"));
    }
}
