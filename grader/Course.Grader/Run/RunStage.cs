using System.Diagnostics;

namespace Course.Grader.Run;

/// <summary>
/// Runs the compiled test suites in a worker process and returns a result for every test case.
/// When a test hangs, crashes the process, exhausts memory or calls Environment.Exit, that test (the
/// one that had started and not finished) is recorded as failed with the reason, and a new worker
/// runs the tests that remain; results already in are kept.
/// </summary>
public static class RunStage
{
    public static async Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken = default)
    {
        var temporary = request.WorkDirectory is null;
        var root = request.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "course-run-" + Guid.NewGuid().ToString("N"));
        try
        {
            var assemblies = RunFolder.Lay(root, request);
            return await RunWorkersAsync(request, root, assemblies, cancellationToken);
        }
        finally
        {
            if (temporary) TryDelete(root);
        }
    }

    static async Task<RunResult> RunWorkersAsync(RunRequest request, string root, IReadOnlyList<string> assemblies, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var ledger = new RunLedger();
        var incidents = new List<string>();
        var starts = 0;
        if (assemblies.Count == 0) return new RunResult([], 0, [], null, 0);
        while (true)
        {
            if (ledger.HasPlan && (clock.Elapsed >= request.Limits.TotalTimeout || starts > ledger.PlannedCount))
            {
                // Each restart follows a test that took the worker down, so there cannot be more of them than tests.
                ledger.FailUnaccounted(TestOutcome.Failed, clock.Elapsed >= request.Limits.TotalTimeout
                    ? $"not run: the tests ran past the total time limit of {RunLimits.Seconds(request.Limits.TotalTimeout)} s"
                    : "not run: the test process failed too many times");
                break;
            }
            starts++;
            var attempt = await WorkerAttempt.RunAsync(request.Worker, root, assemblies, ledger.Accounted,
                request.Limits, request.Limits.TotalTimeout - clock.Elapsed, cancellationToken);
            var before = ledger.AccountedCount;
            ledger.Add(attempt.Planned, attempt.Results);
            var ending = attempt.Ending;
            if (ending.Kind == WorkerEndingKind.Completed)
            {
                ledger.FailUnaccounted(TestOutcome.Error, "NUnit did not report a result for this test");
                break;
            }
            if (!ledger.HasPlan)
                return new RunResult([], starts, [.. incidents, Incident(ending, attempt)], $"the tests could not be run: {ending.Reason}", clock.Elapsed.TotalSeconds);
            var culprits = ledger.FailCulprits(attempt, ending.Reason);
            incidents.Add(Incident(ending, attempt, culprits));
            if (ending.Kind is WorkerEndingKind.TotalTimedOut or WorkerEndingKind.Fatal)
            {
                ledger.FailUnaccounted(TestOutcome.Failed, $"not run: {ending.Reason}");
                break;
            }
            if (ledger.AccountedCount == before)
            {
                // No progress: another start would end the same way.
                ledger.FailUnaccounted(TestOutcome.Failed, $"not run: {ending.Reason}");
                break;
            }
            if (ledger.AllAccounted) break;
        }
        return new RunResult(ledger.Results(), starts, incidents, null, clock.Elapsed.TotalSeconds);
    }

    static string Incident(WorkerEnding ending, AttemptReport attempt, IReadOnlyList<string>? culprits = null)
    {
        var who = culprits is { Count: > 0 } ? $" while running {string.Join(", ", culprits)}" : "";
        var stderr = attempt.Stderr.Length > 0 ? $"\nstderr (tail):\n{attempt.Stderr}" : "";
        return $"{ending.Kind}{who}: {ending.Reason}{stderr}";
    }

    static void TryDelete(string root)
    {
        try
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
