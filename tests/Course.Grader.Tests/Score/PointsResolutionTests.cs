using Course.Grader.Manifest;
using Course.Grader.Score;
using static Course.Grader.Tests.Score.ScoreInputs;

namespace Course.Grader.Tests.Score;

public class PointsResolutionTests
{
    [Test]
    public void Given_a_points_attribute_and_no_override_Then_the_test_is_worth_the_attribute()
    {
        Assert.That(ScoreStage.PointsOf(Test("Forward_IsCausal", points: 3), Hw3Manifest()), Is.EqualTo(3));
    }

    [Test]
    public void Given_no_points_anywhere_Then_the_test_is_worth_nothing_even_when_it_passes()
    {
        var report = Graded(Passed(Test("Smoke")));

        Assert.That((report.Tests[0].Score, report.Tests[0].MaxScore, report.MaxScore), Is.EqualTo((0.0, 0.0, 0.0)));
    }

    [Test]
    public void Given_an_override_by_full_name_Then_it_wins_over_the_attribute()
    {
        var manifest = Hw3Manifest(overrides: new Dictionary<string, TestOverride> { [$"{Fixture}.Forward_IsCausal"] = new(7, null) });

        Assert.That(ScoreStage.PointsOf(Test("Forward_IsCausal", points: 3), manifest), Is.EqualTo(7));
    }

    [Test]
    public void Given_an_override_without_points_Then_the_attribute_still_counts()
    {
        var manifest = Hw3Manifest(overrides: new Dictionary<string, TestOverride> { [$"{Fixture}.Forward_IsCausal"] = new(null, TestVisibility.Hidden) });

        Assert.That(ScoreStage.PointsOf(Test("Forward_IsCausal", points: 3), manifest), Is.EqualTo(3));
    }

    [Test]
    public void Given_an_override_by_method_name_Then_it_sets_the_points_shared_by_the_cases()
    {
        var manifest = Hw3Manifest(overrides: new Dictionary<string, TestOverride> { [$"{Fixture}.Softmax_SumsToOne"] = new(9, null) });
        var cases = Cases("Softmax_SumsToOne", 3, points: 6);

        var report = ScoreStage.Score(Input(cases.Select(c => Passed(c)), manifest));

        Assert.That(report.Tests.Select(t => t.MaxScore), Is.EqualTo(new[] { 3.0, 3.0, 3.0 }));
        Assert.That(report.MaxScore, Is.EqualTo(9));
    }

    [Test]
    public void Given_overrides_by_case_and_by_method_Then_the_case_override_wins_for_that_case()
    {
        var manifest = Hw3Manifest(overrides: new Dictionary<string, TestOverride>
        {
            [$"{Fixture}.Softmax_SumsToOne"] = new(6, null),
            [$"{Fixture}.Softmax_SumsToOne(2)"] = new(0, null),
        });
        var cases = Cases("Softmax_SumsToOne", 3, points: 1);

        Assert.That(cases.Select(c => ScoreStage.PointsOf(c, manifest)), Is.EqualTo(new[] { 2.0, 0.0, 2.0 }));
    }
}
