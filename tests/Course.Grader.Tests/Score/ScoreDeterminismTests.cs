using System.Text.RegularExpressions;
using Course.Grader.Analyze;
using Course.Grader.Report;
using Course.Grader.Score;
using static Course.Grader.Tests.Score.ScoreInputs;

namespace Course.Grader.Tests.Score;

public partial class ScoreDeterminismTests
{
    private static ScoreInput MixedInput(bool reversed, double seconds)
    {
        var cases = Cases("Softmax_SumsToOne", 3, points: 10);
        var results = new[]
        {
            Passed(Test("Forward_IsCausal", points: 4), seconds), Failed(Test("Mask_HidesTheFuture", points: 3)),
            Passed(cases[0], seconds), Passed(cases[1], seconds), Failed(cases[2]), Passed(Test("Hidden_Training", 5, "hidden"), seconds),
        };
        return Input(reversed ? results.Reverse() : results,
            bannedReached: new Dictionary<string, AnalysisFinding> { [$"{Fixture}.Forward_IsCausal"] = Banned() });
    }

    [GeneratedRegex("\"duration_seconds\": [0-9.eE+-]+")]
    private static partial Regex Durations();

    [Test]
    public void Given_the_same_input_scored_twice_Then_the_json_is_identical()
    {
        var input = MixedInput(reversed: false, seconds: 0.25);

        Assert.That(JsonReport.Write(ScoreStage.Score(input)), Is.EqualTo(JsonReport.Write(ScoreStage.Score(input))));
    }

    [Test]
    public void Given_the_same_results_in_another_order_and_with_other_timings_Then_the_json_differs_only_in_timings()
    {
        var first = JsonReport.Write(ScoreStage.Score(MixedInput(reversed: false, seconds: 0.25)));
        var second = JsonReport.Write(ScoreStage.Score(MixedInput(reversed: true, seconds: 1.75)));

        Assert.That(first, Is.Not.EqualTo(second), "the timings differ");
        Assert.That(Durations().Replace(second, ""), Is.EqualTo(Durations().Replace(first, "")));
    }

    [Test]
    public void Given_a_report_written_as_json_When_read_back_Then_it_is_the_same_report()
    {
        var report = ScoreStage.Score(MixedInput(reversed: false, seconds: 0.25));

        var read = JsonReport.Read(JsonReport.Write(report));

        Assert.That(JsonReport.Write(read), Is.EqualTo(JsonReport.Write(report)));
        Assert.That(read.Tests, Is.EqualTo(report.Tests));
    }
}
