using System.Text.Json.Nodes;
using Course.Grader.Report;
using static Course.Grader.Tests.Pipeline.Hw3Submissions;

namespace Course.Grader.Tests.Pipeline;

/// <summary>A regrade of the same submission against the same tests must give the same report, timings aside.</summary>
[NonParallelizable]
public class GradeDeterminismTests
{
    [Test]
    public async Task Given_the_same_submission_When_graded_twice_Then_the_json_reports_are_identical_apart_from_timings()
    {
        var first = await PartialPublicAsync();
        var second = await GradeFolderAsync(PartialExample);

        Assert.That(first.Tests.Any(t => !t.Passed) && first.Tests.Any(t => t.Passed), Is.True, "a report with passes and failures shows more than one with either");
        Assert.That(WithoutTimings(JsonReport.Write(second)), Is.EqualTo(WithoutTimings(JsonReport.Write(first))));
    }

    /// <summary>The report as JSON with every duration and the grading time blanked.</summary>
    static string WithoutTimings(string json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        Assert.That(root.ContainsKey("graded_at"), Is.True);
        root["graded_at"] = "";
        foreach (var test in root["tests"]!.AsArray())
        {
            Assert.That(test!.AsObject().ContainsKey("duration_seconds"), Is.True);
            test["duration_seconds"] = 0;
        }
        return root.ToJsonString();
    }
}
