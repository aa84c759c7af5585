using System.Text.Json.Serialization;

namespace Course.Grader.Run;

/// <summary>How one test case ran. A test the grader had to stop is a result too, with the reason as its message.</summary>
/// <param name="Message">Why it failed, was skipped or was stopped; empty when it passed.</param>
/// <param name="StackTrace">Trimmed to the frames worth reading; empty when there is none.</param>
/// <param name="Output">What the test wrote to the console, cut to a few KB.</param>
public sealed record TestCaseResult(
    TestCaseSpec Test,
    TestOutcome Outcome,
    string Message,
    string StackTrace,
    double DurationSeconds,
    string Output)
{
    [JsonIgnore]
    public bool Passed => Outcome == TestOutcome.Passed;

    /// <summary>A test that never finished on its own: stopped by the grader or lost with the test process.</summary>
    public static TestCaseResult Stopped(TestCaseSpec test, string reason, double durationSeconds = 0) =>
        new(test, TestOutcome.Failed, reason, "", durationSeconds, "");
}
