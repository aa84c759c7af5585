using Course.Grader.Run;
using Course.Grader.Score;

namespace Course.Grader.Fairness;

/// <summary>One check's share of a run that several of validate's checks shared (see <see cref="RunCombiner"/>).</summary>
static class SharedRun
{
    /// <summary>
    /// The shared run's report as the check's own run would have given it: its tests as they ran, every other test not
    /// run. Null when the share is not a clean result and the check must run alone: the run was not graded (a compile
    /// error or a refusal, which one check's changes may cause for all), a test of the check has no result, a worker
    /// ended early (a crash, a hang, a limit) while a test of the check failed, which could be another check's doing, or
    /// a check that must keep every point (<paramref name="mustKeepEveryPoint"/>, which shares runs with others of its
    /// kind on the same tests: see <see cref="RunCombiner"/>) failed a test, which another's change may have failed.
    /// </summary>
    public static GradeReport? ShareOf(GradeReport shared, IReadOnlyList<string> only, bool mustKeepEveryPoint = false)
    {
        if (shared.Status != GradeStatus.Graded) return null;
        bool Own(TestGrade test) => only.Any(name => TestNames.Selects(name, test.FullName));
        var own = shared.Tests.Where(Own).ToList();
        if (own.Count == 0 || own.Any(t => t.Message == ScoreStage.NoResult)) return null;
        if ((shared.RunIncidents > 0 || mustKeepEveryPoint) && own.Any(t => !t.Passed)) return null;
        var tests = shared.Tests.Select(t => Own(t) ? t : NotRun(t)).ToList();
        return shared with { Tests = tests, Score = tests.Sum(t => t.Score) };
    }

    /// <summary>A test the check's own run would have left out (<c>--only</c>): no result, as the score stage grades it.</summary>
    static TestGrade NotRun(TestGrade test) =>
        test with { Passed = false, Score = 0, Message = ScoreStage.NoResult, Output = "", DurationSeconds = 0, Outcome = TestOutcome.Error };
}
