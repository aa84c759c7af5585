using System.Text.Json;
using Course.Grader.Catalog;
using Course.Grader.Report;
using Course.Grader.Score;
using Course.Grader.Tests.Compile;
using static Course.Grader.Tests.Score.ScoreInputs;

namespace Course.Grader.Tests.Report;

public class GradescopeResultsTests
{
    private static readonly string[] Visibilities = ["hidden", "after_due_date", "after_published", "visible"];

    /// <summary>Gradescope's results as a student's grade writes them, before the due date.</summary>
    private static GradescopeResults.Results From(GradeReport report) => GradescopeResults.From(new ReportView(report, RevealHidden: false));

    private static string[] Keys(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    [Test]
    public void Given_a_report_Then_results_json_has_gradescopes_fields()
    {
        var json = JsonDocument.Parse(GradescopeResults.Json(new ReportView(RepresentativeReport.Graded(), RevealHidden: false))).RootElement;

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

        var results = From(report);

        Assert.That(results.Score, Is.EqualTo(report.Score));
        Assert.That(results.Tests.Select(t => (t.Name, t.Score, t.MaxScore, t.Status == "passed")),
            Is.EquivalentTo(report.Tests.Select(t => (t.Name, t.Score, t.MaxScore, t.Passed))));
    }

    [Test]
    public void Given_visible_hidden_and_after_due_date_tests_Then_visible_come_first_then_after_due_date_then_hidden_numbered_from_1()
    {
        var report = Graded(
            Passed(Test("A_Hidden", 1, "hidden")), Passed(Test("B_AfterDueDate", 1, "after_due_date")), Passed(Test("C_Visible", 1)),
            Failed(Test("D_Hidden", 1, "hidden")), Passed(Test("E_Visible", 1)));

        var results = From(report);

        Assert.That(results.Tests.Select(t => (t.Number, t.Name.Split('.')[^1], t.Visibility)), Is.EqualTo(new[]
        {
            ("1", "C_Visible", "visible"), ("2", "E_Visible", "visible"), ("3", "B_AfterDueDate", "after_due_date"),
            ("4", "A_Hidden", "hidden"), ("5", "D_Hidden", "hidden"),
        }));
    }

    [Test]
    public void Given_hidden_tests_Then_no_entry_stands_for_them_and_the_top_level_output_gives_their_count()
    {
        var report = RepresentativeReport.Graded();

        var results = From(report);

        Assert.That(results.Tests, Has.Count.EqualTo(report.Tests.Count));
        Assert.That(results.Tests.Where(t => t.Visibility == "visible").Select(t => t.Name), Has.None.Contains("Hidden"));
        Assert.That(results.Output, Is.EqualTo(report.Summary + "\n1 of 2 hidden tests passed."));
    }

    [Test]
    public void Given_the_sdks_after_due_date_and_hidden_attributes_When_catalogued_and_scored_Then_gradescope_gets_those_visibilities()
    {
        const string homework = "namespace Tiny.Homework; public static class Nothing { }";
        const string tests = """
            using Course.Testing;
            using NUnit.Framework;
            namespace Tiny.Homework.Tests;
            public class VisibilityTests
            {
                [Test, Points(1), Visibility(Visibility.AfterDueDate)] public void Later() { }
                [Test, Points(1), Visibility(Visibility.Hidden)] public void Never() { }
                [Test, Points(1)] public void Now() { }
            }
            """;
        var catalog = TestCatalog.Read(TinyHomework.Compile(homework, tests).TestSuites.Single().Compilation);

        var report = ScoreStage.Score(Input([.. catalog.Select(t => Passed(t))]));

        Assert.That(From(report).Tests.Select(t => (t.Name, t.Visibility)), Is.EqualTo(new[]
        {
            ("VisibilityTests.Now", "visible"), ("VisibilityTests.Later", "after_due_date"), ("VisibilityTests.Never", "hidden"),
        }));
    }

    [Test]
    public void Given_a_failed_test_with_output_Then_its_output_holds_the_message_and_the_test_output()
    {
        var results = From(Graded(Failed(Test("Mask_HidesTheFuture", 3), "Expected: 0", output: "pattern = [1, 0]")));

        Assert.That(results.Tests[0].Output, Is.EqualTo("Expected: 0\n--- output ---\npattern = [1, 0]"));
    }
}
