using Course.Grader.Sandbox;

namespace Course.Grader.Run;

/// <summary>Every test case's result, in run order, including those the grader had to stop.</summary>
/// <param name="WorkerStarts">How many times the test process was started: 1, plus a restart after each hang or crash.</param>
/// <param name="Incidents">What stopped a worker early, one line each, for the grading log.</param>
/// <param name="Error">Set when the tests could not be listed at all (an assembly that does not load); Tests is then empty.</param>
public sealed record RunResult(
    IReadOnlyList<TestCaseResult> Tests,
    int WorkerStarts,
    IReadOnlyList<string> Incidents,
    string? Error,
    double DurationSeconds)
{
    /// <summary>The sandbox layers of the worker, each active or not with the reason (see <see cref="SandboxLayerNames"/>).</summary>
    public IReadOnlyList<SandboxLayer> Sandbox { get; init; } = [];
}
