using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Course.Grader.Score;

namespace Course.Grader.Report;

/// <summary>
/// The result format of GitHub Classroom's autograding runners: the step output <c>result</c> holds base64 of
/// this JSON, and classroom-resources/autograding-grading-reporter reads it from <c>&lt;STEP_ID&gt;_RESULTS</c>,
/// adds up <c>max_score</c> and <c>tests[].score</c> as JavaScript numbers, and posts <c>Points X/Y</c>, the grade
/// Classroom records.
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
    /// One entry per test method, its parameterised cases combined, and the hidden tests as one entry holding their
    /// summed score, so that totals stay right without revealing them (nor their time: see <see cref="ReportView"/>). The reporter prints its running sum as is,
    /// so the scores are made to add up exactly (see <see cref="SumExactly"/>). <c>test_code</c> stays empty: the
    /// reporter prints it under every test.
    /// </summary>
    public static Result From(ReportView view)
    {
        var report = view.Report;
        var tests = view.Shown.GroupBy(t => (t.Suite, Method: t.Method ?? t.FullName)).Select(Entry).ToList();
        var withheld = view.Withheld;
        if (withheld.Count > 0)
            tests.Add(new Test("Hidden tests", withheld.All(t => t.Passed) ? "pass" : "fail", Points(withheld),
                view.WithheldSummary!, "", "", 0, 0));
        var status = report.Status switch
        {
            GradeStatus.Graded => tests.All(t => t.Status == "pass") ? "pass" : "fail",
            _ => "error",
        };
        return new Result(1, status, report.MaxScore, SumExactly(tests));
    }

    /// <summary>
    /// A test, or a parameterised method's cases as one entry whose message leads with the first failed case's own first
    /// line and says which cases failed, then each failed case's first line.
    /// </summary>
    static Test Entry(IEnumerable<TestGrade> method)
    {
        var cases = method.ToList();
        var first = cases[0];
        if (cases.Count == 1 && first.Method is null)
            return new Test(first.Name, first.Passed ? "pass" : "fail", first.Score, first.Passed ? "" : first.Message, "", "", 0, Milliseconds(cases));
        var failed = cases.Where(t => !t.Passed).ToList();
        var message = failed.Count == 0 ? ""
            : $"{Arguments(failed[0])}: {ReportView.FirstLine(failed[0].Message)} ({failed.Count} of {cases.Count} cases failed: {string.Join(", ", failed.Select(Arguments))})\n" +
              string.Join("\n", failed.Select(t => $"{Arguments(t)}: {ReportView.FirstLine(t.Message)}"));
        return new Test(MethodName(first), failed.Count == 0 ? "pass" : "fail", Points(cases), message, "", "", 0, Milliseconds(cases));
    }

    /// <summary>"AttentionHeadTests.Softmax_SumsToOne" for the case "AttentionHeadTests.Softmax_SumsToOne(3)".</summary>
    static string MethodName(TestGrade test) => test.Name.IndexOf('(') is var paren and > 0 ? test.Name[..paren] : test.Name;

    static string Arguments(TestGrade test) => test.Name[MethodName(test).Length..];

    /// <summary>The points of some tests, added in units of 0.0001 as the report adds them.</summary>
    static double Points(IEnumerable<TestGrade> tests) => (double)tests.Sum(t => Math.Round((decimal)t.Score, 4));

    static int Milliseconds(IEnumerable<TestGrade> tests) => (int)Math.Round(tests.Sum(t => t.DurationSeconds) * 1000);

    /// <summary>
    /// The reporter adds the scores as doubles, in order, and prints the sum with JavaScript's shortest form, so
    /// 0.1 + 0.2 would print 0.30000000000000004. Where an entry's points would make the running sum drift from the
    /// double nearest the exact running total, its score is the double nearest to its points that lands there
    /// instead (off by less than a unit in the last place of the total), so that <c>Points X/Y</c> shows exactly the report's score.
    /// </summary>
    static List<Test> SumExactly(List<Test> tests)
    {
        double sum = 0;
        decimal exact = 0;
        var summed = new List<Test>(tests.Count);
        foreach (var test in tests)
        {
            exact += (decimal)test.Score;
            var target = (double)exact;
            var score = sum + test.Score == target ? test.Score : target - sum;
            for (var nudge = 0; sum + score != target && nudge < 64; nudge++)
                score = sum + score < target ? Math.BitIncrement(score) : Math.BitDecrement(score);
            summed.Add(test with { Score = score });
            sum += score;
        }
        return summed;
    }

    public static string Json(ReportView view) => JsonSerializer.Serialize(From(view), options);

    /// <summary>The value of the step output <c>result</c>.</summary>
    public static string Base64(ReportView view) => Convert.ToBase64String(Encoding.UTF8.GetBytes(Json(view)));
}
