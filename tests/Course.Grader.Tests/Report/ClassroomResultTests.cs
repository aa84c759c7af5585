using System.Globalization;
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
    public void Given_hidden_tests_revealed_Then_each_method_is_listed_and_there_is_no_hidden_entry()
    {
        var report = RepresentativeReport.Graded();

        var names = Parse(new ReportView(report, RevealHidden: true)).GetProperty("tests").EnumerateArray()
            .Select(t => t.GetProperty("name").GetString()).ToList();

        Assert.That(names, Is.EqualTo(report.Tests.Select(t => t.Name.Split('(')[0]).Distinct()));
        Assert.That(names, Does.Not.Contain("Hidden tests"));
    }

    [Test]
    public void Given_a_parameterised_test_partly_passed_Then_its_cases_are_one_entry_worth_the_points_earned_naming_the_failed_cases()
    {
        var cases = Cases("Softmax_SumsToOne", 7, points: 1);
        var report = Graded([.. cases.Select((c, i) => i is 1 or 4 ? Failed(c, "Sum was 0.98\n  Expected: 1") : Passed(c))]);

        var entry = ClassroomResult.From(new ReportView(report, RevealHidden: false)).Tests.Single();

        Assert.That((entry.Name, entry.Status, entry.Score, entry.TestCode), Is.EqualTo(("AttentionHeadTests.Softmax_SumsToOne", "fail", report.Score, "")));
        Assert.That(report.Score, Is.EqualTo(0.7143), "5 of 7 cases: 3 shares of 0.1429 and 2 of 0.1428");
        Assert.That(entry.Message, Is.EqualTo("(2): Sum was 0.98 (2 of 7 cases failed: (2), (5))\n(2): Sum was 0.98\n(5): Sum was 0.98"),
            "the first line says what went wrong in the first failed case, then which cases failed");
    }

    /// <summary>
    /// What the reporter posts (autograding-grading-reporter, src/notify-classroom.js): it parses the JSON, starts at 0
    /// and adds each <c>tests[].score</c> with JavaScript's <c>+=</c> (IEEE double addition, in order), and prints
    /// <c>`Points ${totalPoints}/${maxPoints}`</c>, a number becoming its shortest round-trip digits.
    /// </summary>
    internal static string ReporterPoints(string json)
    {
        var result = JsonDocument.Parse(json).RootElement;
        double total = 0, max = 0;
        max += result.GetProperty("max_score").GetDouble();
        foreach (var test in result.GetProperty("tests").EnumerateArray()) total += test.GetProperty("score").GetDouble();
        return $"Points {JavaScriptNumber(total)}/{JavaScriptNumber(max)}";
    }

    /// <summary>ECMAScript's Number::toString(x) for a finite x: the shortest digits that round-trip, placed as the standard says.</summary>
    internal static string JavaScriptNumber(double x)
    {
        if (x == 0) return "0";
        if (x < 0) return "-" + JavaScriptNumber(-x);
        var roundTrip = x.ToString("R", CultureInfo.InvariantCulture).Split('E');
        var exponent = roundTrip.Length > 1 ? int.Parse(roundTrip[1], CultureInfo.InvariantCulture) : 0;
        var parts = roundTrip[0].Split('.');
        var digits = parts[0] + (parts.Length > 1 ? parts[1] : "");
        var n = parts[0].Length + exponent; // x = 0.digits × 10^n
        var leading = digits.Length - digits.TrimStart('0').Length;
        (digits, n) = (digits.TrimStart('0').TrimEnd('0'), n - leading);
        var k = digits.Length;
        if (k <= n && n <= 21) return digits + new string('0', n - k);
        if (0 < n && n <= 21) return digits[..n] + "." + digits[n..];
        if (-6 < n && n <= 0) return "0." + new string('0', -n) + digits;
        var e = n - 1;
        return (k == 1 ? digits : digits[..1] + "." + digits[1..]) + "e" + (e < 0 ? "-" : "+") + Math.Abs(e);
    }

    [Test]
    public void Given_javascript_numbers_Then_the_reporter_model_prints_them_as_javascript_does()
    {
        Assert.That(new[] { 0.1 + 0.2, 31, 30.999999999999996, 0.7143, 1e21, 1.5e-7, 0.000001, 123456789012345680000.0 }.Select(JavaScriptNumber),
            Is.EqualTo(new[] { "0.30000000000000004", "31", "30.999999999999996", "0.7143", "1e+21", "1.5e-7", "0.000001", "123456789012345680000" }));
    }

    [TestCase(new[] { 3, 3, 3, 3, 3, 3, 3, 3, 3 }, new[] { 2, 2, 2, 2, 2, 2, 2, 2, 2 }, 0, TestName = "Nine 2-point tests over 3 cases, all passed")]
    [TestCase(new[] { 3, 7, 3, 7, 10, 5, 3 }, new[] { 2, 1, 2, 1, 1, 1, 2 }, 1, TestName = "2 points over 3 cases and 1 over 7, 10 and 5, some cases failed")]
    [TestCase(new[] { 10, 5, 7, 7, 3, 9, 11, 13 }, new[] { 1, 1, 1, 1, 1, 3, 2, 5 }, 2, TestName = "Many fractional shares, every other case failed")]
    [TestCase(new[] { 10, 5, 3, 6, 7, 9 }, new[] { 1, 1, 2, 1, 1, 1 }, 3, TestName = "Fractional methods, hidden ones among them")]
    public void Given_many_fractional_cases_Then_the_reporter_prints_exactly_the_reports_score(int[] caseCounts, int[] points, int pattern)
    {
        var results = caseCounts.SelectMany((count, m) =>
            Cases($"Method{m}", count, points[m], visibility: pattern == 3 && m % 2 == 1 ? "hidden" : null)
                .Select((c, i) => pattern switch
                {
                    1 => (i + m) % 4 == 0 ? Failed(c) : Passed(c),
                    2 => i % 2 == 1 ? Failed(c) : Passed(c),
                    3 => (i + m) % 3 == 0 ? Failed(c) : Passed(c),
                    _ => Passed(c),
                })).ToArray();
        var report = Graded([.. results, Passed(Test("Whole", points: 1)), Passed(Test("Half", points: 0.5))]);

        foreach (var reveal in new[] { false, true })
        {
            var json = ClassroomResult.Json(new ReportView(report, reveal));
            Assert.That(ReporterPoints(json), Is.EqualTo($"Points {JavaScriptNumber(report.Score)}/{JavaScriptNumber(report.MaxScore)}"));
            var scores = ClassroomResult.From(new ReportView(report, reveal)).Tests.Select(t => t.Score);
            Assert.That(scores.Where(s => Math.Abs(s - Math.Round(s, 4)) > 1e-12), Is.Empty, "each entry is worth its points");
        }
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
