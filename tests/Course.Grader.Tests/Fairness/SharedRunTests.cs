using Course.Grader.Fairness;
using Course.Grader.Run;
using Course.Grader.Score;
using static Course.Grader.Tests.Score.ScoreInputs;

namespace Course.Grader.Tests.Fairness;

/// <summary>A check's share of a shared run is the report its own run would give, or nothing when the run may have been another check's doing.</summary>
public class SharedRunTests
{
    static readonly TestCaseSpec A = Test("A", points: 2), B = Test("B", points: 3), C = Test("C", points: 5);

    static GradeReport Run(params TestCaseResult[] results) => ScoreStage.Score(Input(results, listed: [A, B, C]));

    [Test]
    public void Given_a_shared_run_Then_each_checks_share_has_the_tests_of_a_run_of_its_own()
    {
        var shared = Run(Failed(A), Passed(B));

        var share = SharedRun.ShareOf(shared, [$"{Fixture}.A"]);

        var alone = Run(Failed(A));
        Assert.That(share, Is.Not.Null);
        Assert.That(share!.Tests, Is.EqualTo(alone.Tests));
        Assert.That(share.Score, Is.EqualTo(alone.Score));
        Assert.That(SharedRun.ShareOf(shared, [$"{Fixture}.B"])!.Tests, Is.EqualTo(Run(Passed(B)).Tests));
    }

    [Test]
    public void Given_a_run_that_was_not_graded_or_left_a_checks_test_without_a_result_Then_that_check_runs_alone()
    {
        Assert.That(SharedRun.ShareOf(Run(Passed(A)) with { Status = GradeStatus.CompileError }, [$"{Fixture}.A"]), Is.Null);
        Assert.That(SharedRun.ShareOf(Run(Passed(A)), [$"{Fixture}.B"]), Is.Null, "B has no result");
        Assert.That(SharedRun.ShareOf(Run(Passed(A)), [$"{Fixture}.D"]), Is.Null, "no test of the check is in the run");
    }

    [Test]
    public void Given_a_worker_that_ended_early_Then_only_checks_whose_tests_all_passed_keep_their_share()
    {
        var shared = Run(Passed(A), Failed(B, "the test process crashed")) with { RunIncidents = 1 };

        Assert.That(SharedRun.ShareOf(shared, [$"{Fixture}.A"]), Is.Not.Null);
        Assert.That(SharedRun.ShareOf(shared, [$"{Fixture}.B"]), Is.Null);
    }

    [Test]
    public void Given_a_check_that_must_keep_every_point_Then_its_share_stands_only_if_every_test_of_it_passed()
    {
        var shared = Run(Passed(A), Failed(B), Passed(C));

        Assert.That(SharedRun.ShareOf(shared, [$"{Fixture}.A", $"{Fixture}.C"], mustKeepEveryPoint: true), Is.Not.Null);
        Assert.That(SharedRun.ShareOf(shared, [$"{Fixture}.A", $"{Fixture}.B"], mustKeepEveryPoint: true), Is.Null,
            "B may have failed for another check's change, on a test both checks run");
        Assert.That(SharedRun.ShareOf(shared, [$"{Fixture}.A", $"{Fixture}.B"]), Is.Not.Null, "a check that may lose points keeps a failed share");
    }
}
