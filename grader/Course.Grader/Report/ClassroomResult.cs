using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Course.Grader.Score;

namespace Course.Grader.Report;

/// <summary>
/// The result format of GitHub Classroom's autograding runners: the step output <c>result</c> holds base64 of
/// this JSON, and classroom-resources/autograding-grading-reporter reads it from <c>&lt;STEP_ID&gt;_RESULTS</c>,
/// sums <c>max_score</c> and <c>tests[].score</c>, and posts <c>Points X/Y</c>.
/// </summary>
public static class ClassroomResult
{
    public sealed record Test(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("score")] double Score,
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("test_code")] string TestCode,
        [property: JsonPropertyName("filename")] string Filename,
        [property: JsonPropertyName("line_no")] int LineNo,
        [property: JsonPropertyName("duration")] int Duration);

    public sealed record Result(
        [property: JsonPropertyName("version")] int Version,
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("max_score")] double MaxScore,
        [property: JsonPropertyName("tests")] IReadOnlyList<Test> Tests);

    static readonly JsonSerializerOptions options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Hidden tests appear as one entry holding their summed score, so totals stay right without
    /// revealing them. The reporter sums scores as numbers, so partial credit keeps its fractions.
    /// </summary>
    public static Result From(ReportView view)
    {
        var report = view.Report;
        var tests = view.Shown.Select(t => new Test(
            t.Name, t.Passed ? "pass" : "fail", t.Score, t.Passed ? "" : t.Message,
            t.FullName, "", 0, (int)Math.Round(t.DurationSeconds * 1000))).ToList();
        var withheld = view.Withheld;
        if (withheld.Count > 0)
            tests.Add(new Test("Hidden tests", withheld.All(t => t.Passed) ? "pass" : "fail", Math.Round(withheld.Sum(t => t.Score), 4),
                view.WithheldSummary!, "", "", 0, (int)Math.Round(withheld.Sum(t => t.DurationSeconds) * 1000)));
        var status = report.Status switch
        {
            GradeStatus.Graded => tests.All(t => t.Status == "pass") ? "pass" : "fail",
            _ => "error",
        };
        return new Result(1, status, report.MaxScore, tests);
    }

    public static string Json(ReportView view) => JsonSerializer.Serialize(From(view), options);

    /// <summary>The value of the step output <c>result</c>.</summary>
    public static string Base64(ReportView view) => Convert.ToBase64String(Encoding.UTF8.GetBytes(Json(view)));
}
