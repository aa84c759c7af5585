using System.Text.Json;
using Course.Grader.Report;
using static Course.Grader.Tests.Score.ScoreInputs;

namespace Course.Grader.Tests.Report;

public class GradescopeResultsTests
{
    private static readonly string[] Visibilities = ["hidden", "after_due_date", "after_published", "visible"];

    private static string[] Keys(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    [Test]
    public void Given_a_report_Then_results_json_has_gradescopes_fields()
    {
        var json = JsonDocument.Parse(GradescopeResults.Json(RepresentativeReport.Graded())).RootElement;

        Assert.That(Keys(json), Is.EqualTo(new[] { "score", "execution_time", "output", "output_format", "visibility", "stdout_visibility", "tests" }));
        foreach (var test in json.GetProperty("tests").EnumerateArray())
        {
            Assert.That(Keys(test), Is.EqualTo(new[] { "name", "number", "score", "max_score", "status", "output", "output_format", "tags", "visibility" }));
            Assert.That(test.GetProperty("status").GetString(), Is.AnyOf("passed", "failed"));
            Assert.That(test.GetProperty("visibility").GetString(), Is.AnyOf(Visibilities));
        }
    }

    [Test]
    public void Given_a_report_Then_the_score_is_the_reports_and_each_test_keeps_its_points()
    {
        var report = RepresentativeReport.Graded();

        var results = GradescopeResults.From(report);

        Assert.That(results.Score, Is.EqualTo(report.Score));
        var graded = results.Tests.Take(report.Tests.Count);
        Assert.That(graded.Select(t => (t.Name, t.Score, t.MaxScore, t.Status == "passed")),
            Is.EqualTo(report.Tests.Select(t => (t.Name, t.Score, t.MaxScore, t.Passed))));
        Assert.That(graded.Select(t => t.Number), Is.EqualTo(Enumerable.Range(1, report.Tests.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Test]
    public void Given_visible_hidden_and_after_due_date_tests_Then_each_maps_to_its_gradescope_visibility()
    {
        var report = Graded(
            Passed(Test("A_Visible", 1)), Passed(Test("B_Hidden", 1, "hidden")), Passed(Test("C_AfterDueDate", 1, "after_due_date")));

        var results = GradescopeResults.From(report);

        Assert.That(results.Tests.Take(3).Select(t => t.Visibility), Is.EqualTo(new[] { "visible", "hidden", "after_due_date" }));
    }

    [Test]
    public void Given_hidden_tests_Then_a_visible_entry_worth_nothing_gives_their_count()
    {
        var results = GradescopeResults.From(RepresentativeReport.Graded());

        var summary = results.Tests[^1];
        Assert.That((summary.Name, summary.Score, summary.MaxScore, summary.Visibility), Is.EqualTo(("Hidden tests", 0.0, 0.0, "visible")));
        Assert.That(summary.Output, Is.EqualTo("1 of 2 hidden tests passed."));
    }

    [Test]
    public void Given_a_failed_test_with_output_Then_its_output_holds_the_message_and_the_test_output()
    {
        var results = GradescopeResults.From(Graded(Failed(Test("Mask_HidesTheFuture", 3), "Expected: 0", output: "pattern = [1, 0]")));

        Assert.That(results.Tests[0].Output, Is.EqualTo("Expected: 0\n--- output ---\npattern = [1, 0]"));
    }
}
