using static Course.Grader.Tests.Score.ScoreInputs;

namespace Course.Grader.Tests.Score;

public class ParameterisedPointsTests
{
    [Test]
    public void Given_three_cases_of_a_6_point_test_and_one_passing_Then_it_scores_2_of_6()
    {
        var cases = Cases("Softmax_SumsToOne", 3, points: 6);

        var report = Graded(Passed(cases[0]), Failed(cases[1]), Failed(cases[2]));

        Assert.That(report.Tests.Select(t => (t.Score, t.MaxScore)), Is.EqualTo(new[] { (2.0, 2.0), (0.0, 2.0), (0.0, 2.0) }));
        Assert.That((report.Score, report.MaxScore), Is.EqualTo((2.0, 6.0)));
        Assert.That(report.Tests.Select(t => t.Method), Is.All.EqualTo($"{Fixture}.Softmax_SumsToOne"));
    }

    [Test]
    public void Given_10_points_over_3_cases_all_passing_Then_the_test_is_worth_exactly_10_and_scores_10()
    {
        var cases = Cases("Attention_MatchesReference", 3, points: 10);

        var report = Graded([.. cases.Select(c => Passed(c))]);

        Assert.That((report.Score, report.MaxScore), Is.EqualTo((10.0, 10.0)));
        Assert.That(report.Tests.Select(t => t.MaxScore), Is.EqualTo(new[] { 3.3334, 3.3333, 3.3333 }));
    }

    [Test]
    public void Given_10_points_over_3_cases_and_two_passing_Then_the_score_is_two_thirds_to_four_places()
    {
        var cases = Cases("Attention_MatchesReference", 3, points: 10);

        var report = Graded(Passed(cases[0]), Passed(cases[1]), Failed(cases[2]));

        Assert.That(report.Score, Is.EqualTo(6.6667).Within(0.0001));
        Assert.That(report.MaxScore, Is.EqualTo(10));
    }

    [Test]
    public void Given_partial_credit_in_several_tests_Then_the_report_sums_every_case()
    {
        var softmax = Cases("Softmax_SumsToOne", 4, points: 2);
        var mask = Test("Mask_HidesTheFuture", points: 3);
        var shapes = Test("Forward_KeepsShape", points: 1.5);

        var report = Graded(Passed(softmax[0]), Passed(softmax[1]), Passed(softmax[2]), Failed(softmax[3]), Passed(mask), Failed(shapes));

        Assert.That((report.Score, report.MaxScore), Is.EqualTo((4.5, 6.5)));
    }
}
