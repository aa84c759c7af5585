using Course.Grader.Sandbox;

namespace Course.Grader.Run;

/// <summary>What one start of the worker got through before it ended.</summary>
/// <param name="InFlightTest">The test case that had started and not finished when the worker ended, if any.</param>
/// <param name="InFlightSuites">Suites (fixtures, namespaces, the assembly) started and not finished, outermost first.</param>
/// <param name="InFlightSeconds">How long the in-flight test (or, without one, the innermost suite) had been running.</param>
/// <param name="Sandbox">The layers the worker reported applying, or null when it ended before it said.</param>
/// <param name="Notes">What the grader had to do after the worker ended (processes outside its group killed, output abandoned).</param>
sealed record AttemptReport(
    IReadOnlyList<TestCaseSpec> Planned,
    IReadOnlyList<TestCaseResult> Results,
    string? InFlightTest,
    IReadOnlyList<string> InFlightSuites,
    double InFlightSeconds,
    WorkerEnding Ending,
    string Stderr,
    IReadOnlyList<SandboxLayer>? Sandbox,
    IReadOnlyList<string> Notes)
{
    /// <summary>The time this start was charged against the run's total limit (see <see cref="TimeCharge.Charged"/>).</summary>
    public TimeSpan Charged { get; init; }
}
