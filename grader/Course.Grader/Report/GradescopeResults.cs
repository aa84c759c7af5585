using System.Text.Json;
using System.Text.Json.Serialization;
using Course.Grader.Manifest;
using Course.Grader.Score;

namespace Course.Grader.Report;

/// <summary>
/// Gradescope's <c>results.json</c>. Visible tests come first, then after-due-date ones, then hidden ones, numbered
/// from 1 in that order; Gradescope itself keeps <c>after_due_date</c> and <c>hidden</c> tests from students, and
/// the top-level output says how many hidden tests passed.
/// </summary>
public static class GradescopeResults
{
    public sealed record Test(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("number")] string Number,
        [property: JsonPropertyName("score")] double Score,
        [property: JsonPropertyName("max_score")] double MaxScore,
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("output")] string Output,
        [property: JsonPropertyName("output_format")] string OutputFormat,
        [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags,
        [property: JsonPropertyName("visibility")] string Visibility);

    public sealed record Results(
        [property: JsonPropertyName("score")] double Score,
        [property: JsonPropertyName("execution_time")] double ExecutionTime,
        [property: JsonPropertyName("output")] string Output,
        [property: JsonPropertyName("output_format")] string OutputFormat,
        [property: JsonPropertyName("visibility")] string Visibility,
        [property: JsonPropertyName("stdout_visibility")] string StdoutVisibility,
        [property: JsonPropertyName("tests")] IReadOnlyList<Test> Tests);

    /// <remarks>
    /// Every test goes in, since Gradescope withholds hidden ones itself; but a visible test that ran on a public golden's
    /// hidden replay goes in as <paramref name="view"/> shows it, since Gradescope would show its output at once.
    /// </remarks>
    public static Results From(ReportView view)
    {
        var report = view.Report;
        var tests = report.Tests.Select(t => t.Visibility == TestVisibility.Visible ? view.AsShown(t) : t).OrderBy(t => t.Visibility switch { TestVisibility.Visible => 0, TestVisibility.AfterDueDate => 1, _ => 2 })
            .Select((t, i) => new Test(
                t.Name, (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), t.Score, t.MaxScore,
                t.Passed ? "passed" : "failed", Output(t), "text", [t.Suite],
                t.Visibility switch
                {
                    TestVisibility.Hidden => "hidden",
                    TestVisibility.AfterDueDate => "after_due_date",
                    _ => "visible",
                })).ToList();
        var hidden = report.Tests.Where(t => t.Visibility == TestVisibility.Hidden).ToList();
        var output = hidden.Count == 0 ? report.Summary : $"{report.Summary}\n{hidden.Count(t => t.Passed)} of {hidden.Count} hidden tests passed.";
        return new Results(report.Score, Math.Round(view.ShownSeconds, 3), output, "text",
            "visible", "hidden", tests);
    }

    static string Output(TestGrade test)
    {
        var text = test.Passed ? "" : test.Message;
        return test.Output.Length == 0 ? text : $"{text}\n--- output ---\n{test.Output}".TrimStart('\n');
    }

    public static string Json(ReportView view) => JsonSerializer.Serialize(From(view), new JsonSerializerOptions { WriteIndented = true });
}
