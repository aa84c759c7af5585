using System.Text;
using System.Text.Json;
using Course.Grader.Analyze;
using Course.Grader.Manifest;
using Course.Grader.Report;
using Course.Grader.Score;
using static Course.Grader.Tests.Score.ScoreInputs;

namespace Course.Grader.Tests.Report;

public class ClassroomResultTests
{
    private static JsonElement Parse(ReportView view) => JsonDocument.Parse(ClassroomResult.Json(view)).RootElement;

    private static string[] Keys(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    [Test]
    public void Given_a_report_Then_the_json_has_exactly_the_runner_result_fields()
    {
        var json = Parse(new ReportView(RepresentativeReport.Graded(), RevealHidden: false));

        Assert.That(Keys(json), Is.EqualTo(new[] { "version", "status", "max_score", "tests" }));
        Assert.That(json.GetProperty("version").GetInt32(), Is.EqualTo(1));
        foreach (var test in json.GetProperty("tests").EnumerateArray())
            Assert.That(Keys(test), Is.EqualTo(new[] { "name", "status", "score", "message", "test_code", "filename", "line_no", "duration" }));
    }

    [Test]
    public void Given_a_report_Then_the_base64_output_decodes_to_the_json()
    {
        var view = new ReportView(RepresentativeReport.Graded(), RevealHidden: false);

        Assert.That(Encoding.UTF8.GetString(Convert.FromBase64String(ClassroomResult.Base64(view))), Is.EqualTo(ClassroomResult.Json(view)));
    }

    [Test]
    public void Given_hidden_tests_Then_they_collapse_into_one_entry_and_the_reporter_totals_match_the_report()
    {
        var report = RepresentativeReport.Graded();

        var json = Parse(new ReportView(report, RevealHidden: false));

        var tests = json.GetProperty("tests").EnumerateArray().ToList();
        var hidden = tests.Single(t => t.GetProperty("name").GetString() == "Hidden tests");
        Assert.That((hidden.GetProperty("score").GetDouble(), hidden.GetProperty("status").GetString()), Is.EqualTo((6.0, "fail")));
        Assert.That(tests.Sum(t => t.GetProperty("score").GetDouble()), Is.EqualTo(report.Score).Within(1e-9));
        Assert.That(json.GetProperty("max_score").GetDouble(), Is.EqualTo(report.MaxScore));
        Assert.That(json.ToString(), Does.Not.Contain("Training_").And.Not.Contain("Generalises_"));
    }

    [Test]
    public void Given_hidden_tests_revealed_Then_each_is_listed_and_there_is_no_hidden_entry()
    {
        var report = RepresentativeReport.Graded();

        var names = Parse(new ReportView(report, RevealHidden: true)).GetProperty("tests").EnumerateArray()
            .Select(t => t.GetProperty("name").GetString()).ToList();

        Assert.That(names, Is.EqualTo(report.Tests.Select(t => t.Name)));
    }

    [Test]
    public void Given_passed_and_failed_tests_Then_each_has_pass_or_fail_and_only_failures_carry_a_message()
    {
        var report = Graded(Passed(Test("Forward_IsCausal", points: 2)), Failed(Test("Mask_HidesTheFuture", points: 3), "Expected: 0"));

        var result = ClassroomResult.From(new ReportView(report, RevealHidden: false));

        Assert.That(result.Tests.Select(t => (t.Status, t.Score, t.Message)), Is.EqualTo(new[] { ("pass", 2.0, ""), ("fail", 0.0, "Expected: 0") }));
        Assert.That(result.Status, Is.EqualTo("fail"));
    }

    [Test]
    public void Given_every_test_passed_Then_the_status_is_pass()
    {
        var report = Graded(Passed(Test("Forward_IsCausal", points: 2)), Passed(Test("Mask_HidesTheFuture", points: 3)));

        Assert.That(ClassroomResult.From(new ReportView(report, RevealHidden: false)).Status, Is.EqualTo("pass"));
    }

    [Test]
    public void Given_a_compile_error_or_a_refusal_Then_the_status_is_error()
    {
        var forward = Test("Forward_IsCausal", points: 2);
        var compileError = ScoreStage.Score(Input([Passed(forward)], compileFailure: "CS1002"));
        var refused = ScoreStage.Score(Input([Passed(forward)], Hw3Manifest(BannedPolicy.Reject),
            new Dictionary<string, AnalysisFinding> { [forward.FullName] = Banned() }));

        Assert.That(ClassroomResult.From(new ReportView(compileError, RevealHidden: false)).Status, Is.EqualTo("error"));
        Assert.That(ClassroomResult.From(new ReportView(refused, RevealHidden: false)).Status, Is.EqualTo("error"));
    }
}
