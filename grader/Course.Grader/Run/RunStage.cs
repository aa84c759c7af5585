using System.Diagnostics;
using Course.Grader.Sandbox;
using Course.Grader.Scratch;

namespace Course.Grader.Run;

/// <summary>
/// Runs the compiled test suites in a worker process and returns a result for every test case.
/// When a test hangs, crashes the process, exhausts memory or calls Environment.Exit, that test (the
/// one that had started and not finished) is recorded as failed with the reason, and a new worker
/// runs the tests that remain; results already in are kept. A worker that goes quiet in its own work
/// (<see cref="RunLimits.QuietTimeout"/>) is started again once. The worker runs in a sandbox (see
/// <see cref="SandboxLayerNames"/>), and the result says which of its layers held.
/// </summary>
public static class RunStage
{
    public static async Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken = default)
    {
        if (request.Pool is not null && request.WorkDirectory is not null)
            throw new ArgumentException("a pooled run lies in its pool's folder, not in a work folder of its own", nameof(request));
        // A run's own temporary folder is held while it runs: if the grader dies, a later run's folder sweeps it.
        using var temporary = request.Pool is null && request.WorkDirectory is null ? PrivateFolder.CreateTemporary() : null;
        var root = request.Pool?.NewFolder("run") ?? temporary?.Path ?? PrivateFolder.Create(request.WorkDirectory!);
        try
        {
            // A pooled run's worker writes in its own scratch folder, made with the worker.
            var folder = RunFolder.Lay(root, request, withScratch: request.Pool is null);
            return await RunWorkersAsync(request, folder, cancellationToken);
        }
        finally
        {
            // A pooled run's folder goes now, its pool's folder with the pool; a folder left behind is harmless.
            if (request.Pool is not null) ScratchFolder.TryDeleteTree(root);
        }
    }

    static async Task<RunResult> RunWorkersAsync(RunRequest request, RunFolderLayout folder, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var ledger = new RunLedger();
        var incidents = new List<string>();
        var sandboxReports = new List<IReadOnlyList<SandboxLayer>?>();
        var starts = 0;
        var charged = TimeSpan.Zero;
        var restartedQuiet = false;
        RunResult Result(IReadOnlyList<TestCaseResult> tests, IReadOnlyList<string> incidentLines, string? error) =>
            new(tests, starts, incidentLines, error, clock.Elapsed.TotalSeconds)
            {
                Sandbox = SandboxSummary.Combine(
                    WorkerEnvironment.Layer(folder.Scratch ?? folder.Root),
                    PrivateFolder.Layer(folder.Root, pooled: request.Pool is not null),
                    SandboxSummary.GroupLimits(request.Limits.MemoryMb, WorkerAttempt.MaxProcesses),
                    sandboxReports),
            };

        if (folder.Assemblies.Count == 0) return Result([], [], null);
        while (true)
        {
            var outOfTime = TimePolicy.TotalTimedOut(request.Limits, charged, clock.Elapsed);
            if (ledger.HasPlan && (outOfTime is not null || starts > ledger.PlannedCount))
            {
                // Each restart follows a test that took the worker down, so there cannot be more of them than tests.
                ledger.FailUnaccounted(TestOutcome.Error, outOfTime is not null
                    ? $"not run: {outOfTime}"
                    : "not run: the test process failed too many times");
                break;
            }
            starts++;
            var attempt = await WorkerAttempt.RunAsync(request.Worker, folder, ledger.Accounted, request.Only, request.Later, request.SandboxWithout,
                request.Limits, new RunTime(charged, clock.Elapsed), request.Pool, cancellationToken);
            charged += attempt.Charged;
            sandboxReports.Add(attempt.Sandbox);
            incidents.AddRange(attempt.Notes);
            var before = ledger.AccountedCount;
            ledger.Add(attempt.Planned, attempt.Results.Select(r => AssertionMessage.Readable(ThrownException.Readable(NativeError.Readable(r)))));
            var ending = attempt.Ending;
            if (ending.Kind == WorkerEndingKind.Completed)
            {
                ledger.FailUnaccounted(TestOutcome.Error, "NUnit did not report a result for this test");
                break;
            }
            if (ending.Kind == WorkerEndingKind.WentQuiet && ledger.AccountedCount == before && !restartedQuiet)
            {
                // No test had started, so none is to blame: a worker stuck in its own work gets one more start, and only one.
                restartedQuiet = true;
                incidents.Add(Incident(ending with { Reason = $"{ending.Reason}; a new test process was started for the tests once more" }, attempt));
                continue;
            }
            if (!ledger.HasPlan)
                return Result([], [.. incidents, Incident(ending, attempt)], $"the tests could not be run: {ending.Reason}");
            var culprits = ledger.FailCulprits(attempt, ending.Reason);
            incidents.Add(Incident(ending, attempt, culprits));
            if (ending.Kind is WorkerEndingKind.TotalTimedOut or WorkerEndingKind.Fatal)
            {
                ledger.FailUnaccounted(TestOutcome.Error, $"not run: {ending.Reason}");
                break;
            }
            if (ledger.AccountedCount == before)
            {
                // No progress: another start would end the same way.
                ledger.FailUnaccounted(TestOutcome.Error, $"not run: {ending.Reason}");
                break;
            }
            if (ledger.AllAccounted) break;
        }
        return Result(ledger.Results(), incidents, null);
    }

    static string Incident(WorkerEnding ending, AttemptReport attempt, IReadOnlyList<string>? culprits = null)
    {
        var who = culprits is { Count: > 0 } ? $" while running {string.Join(", ", culprits)}" : "";
        var stderr = attempt.Stderr.Length > 0 ? $"\nstderr (tail):\n{attempt.Stderr}" : "";
        return $"{ending.Kind}{who}: {ending.Reason}{stderr}";
    }
}
