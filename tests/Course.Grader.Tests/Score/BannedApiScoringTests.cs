using Course.Grader.Analyze;
using Course.Grader.Manifest;
using Course.Grader.Run;
using Course.Grader.Score;
using static Course.Grader.Tests.Score.ScoreInputs;

namespace Course.Grader.Tests.Score;

public class BannedApiScoringTests
{
    private static readonly TestCaseSpec Forward = Test("Forward_IsCausal", points: 4);
    private static readonly TestCaseSpec Mask = Test("Mask_HidesTheFuture", points: 3);

    private static GradeReport ScoreWithBannedForward(BannedPolicy policy, AnalysisFinding? finding = null) =>
        ScoreStage.Score(Input(
            [Passed(Forward), Passed(Mask)], Hw3Manifest(policy),
            new Dictionary<string, AnalysisFinding> { [Forward.FullName] = finding ?? Banned() }));

    [Test]
    public void Given_zero_tests_policy_When_a_passing_test_reaches_a_banned_api_Then_it_scores_0_and_says_where()
    {
        var report = ScoreWithBannedForward(BannedPolicy.ZeroTests);

        var forward = report.Tests.Single(t => t.FullName == Forward.FullName);
        Assert.That((forward.Passed, forward.Score, forward.MaxScore), Is.EqualTo((false, 0.0, 4.0)));
        Assert.That(forward.Message, Does.Contain("scaled_dot_product_attention").And.Contain("AttentionHead.cs:17"));
    }

    [Test]
    public void Given_zero_tests_policy_Then_tests_that_do_not_reach_it_keep_their_points_and_the_report_is_graded()
    {
        var report = ScoreWithBannedForward(BannedPolicy.ZeroTests);

        Assert.That((report.Status, report.Score, report.MaxScore), Is.EqualTo((GradeStatus.Graded, 3.0, 7.0)));
        Assert.That(report.Summary, Does.Contain("scaled_dot_product_attention at AttentionHead.cs:17"));
    }

    [Test]
    public void Given_a_failing_test_that_reaches_a_banned_api_Then_its_own_failure_is_kept_in_the_message()
    {
        var report = ScoreStage.Score(Input(
            [Failed(Forward, "Expected: causal")], bannedReached: new Dictionary<string, AnalysisFinding> { [Forward.FullName] = Banned() }));

        Assert.That(report.Tests[0].Message, Does.Contain("AttentionHead.cs:17").And.EndWith("\nExpected: causal"));
    }

    [Test]
    public void Given_a_banned_use_keyed_by_method_Then_every_case_of_that_method_scores_0()
    {
        var cases = Cases("Softmax_SumsToOne", 2, points: 2);

        var report = ScoreStage.Score(Input(
            cases.Select(c => Passed(c)), bannedReached: new Dictionary<string, AnalysisFinding> { [$"{Fixture}.Softmax_SumsToOne"] = Banned() }));

        Assert.That(report.Tests.Select(t => t.Score), Is.All.EqualTo(0));
    }

    [Test]
    public void Given_reject_policy_When_any_test_reaches_a_banned_api_Then_every_test_scores_0_and_the_report_is_rejected()
    {
        var report = ScoreWithBannedForward(BannedPolicy.Reject);

        Assert.That((report.Status, report.Score, report.MaxScore), Is.EqualTo((GradeStatus.Rejected, 0.0, 7.0)));
        Assert.That(report.Tests.Select(t => t.Passed), Is.All.False);
        Assert.That(report.Tests.Select(t => t.Message), Is.All.Contain("refused"));
        Assert.That(report.Summary, Does.Contain("refused").And.Contain("scaled_dot_product_attention at AttentionHead.cs:17"));
    }

    [Test]
    public void Given_reject_policy_and_no_banned_use_Then_the_report_is_graded_normally()
    {
        var report = ScoreStage.Score(Input([Passed(Forward), Failed(Mask)], Hw3Manifest(BannedPolicy.Reject)));

        Assert.That((report.Status, report.Score), Is.EqualTo((GradeStatus.Graded, 4.0)));
    }

    [Test]
    public void Given_the_same_banned_uses_listed_in_another_order_Then_the_summary_is_the_same()
    {
        var early = Banned(line: 5);
        var late = Banned(file: "CausalMask.cs", line: 40);
        GradeReport ScoreWith(params (string Test, AnalysisFinding Finding)[] reached) => ScoreStage.Score(Input(
            [Passed(Forward), Passed(Mask)], Hw3Manifest(BannedPolicy.Reject), reached.ToDictionary(r => r.Test, r => r.Finding)));

        var one = ScoreWith((Forward.FullName, early), (Mask.FullName, late));
        var other = ScoreWith((Mask.FullName, late), (Forward.FullName, early));

        Assert.That(other.Summary, Is.EqualTo(one.Summary));
    }
}
