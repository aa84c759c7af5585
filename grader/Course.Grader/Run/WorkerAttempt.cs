using System.Diagnostics;

namespace Course.Grader.Run;

/// <summary>
/// One start of the test worker: follows its result stream and stops it at the first limit it breaks
/// (a test's time, the run's time, memory). It never throws for anything a test does.
/// </summary>
sealed class WorkerAttempt
{
    const int MaxLineChars = 16 * 1024 * 1024;
    const long Megabyte = 1024 * 1024;
    static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    /// <summary>After the worker says it is done, how long it may take to exit (a test's foreground thread can keep it alive).</summary>
    static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(5);

    readonly Lock gate = new();
    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly List<TestCaseSpec> planned = [];
    readonly List<TestCaseResult> results = [];
    readonly List<(string Name, TimeSpan Since)> suites = [];
    (string Name, TimeSpan Since)? test;
    TimeSpan? lastMessage, doneAt;
    bool calledExit;
    string? uncaught, fatal;

    public static Task<AttemptReport> RunAsync(
        WorkerLocation worker, string runDirectory, IReadOnlyList<string> assemblies, IReadOnlySet<string> skip,
        RunLimits limits, TimeSpan timeLeft, CancellationToken cancellationToken) =>
        new WorkerAttempt().RunCoreAsync(worker, runDirectory, assemblies, skip, limits, timeLeft, cancellationToken);

    async Task<AttemptReport> RunCoreAsync(
        WorkerLocation worker, string runDirectory, IReadOnlyList<string> assemblies, IReadOnlySet<string> skip,
        RunLimits limits, TimeSpan timeLeft, CancellationToken cancellationToken)
    {
        var nonce = Guid.NewGuid().ToString("N");
        using var process = new Process { StartInfo = WorkerCommand.StartInfo(worker, runDirectory, assemblies, skip) };
        process.Start();
        var stdout = Task.Run(() => FollowAsync(process.StandardOutput.BaseStream, nonce), CancellationToken.None);
        var stderr = new StderrTail();
        var stderrDone = Task.Run(() => stderr.ReadAsync(process.StandardError.BaseStream), CancellationToken.None);
        try
        {
            await process.StandardInput.WriteLineAsync(nonce);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The worker died at once; its exit code and stderr tell why.
        }
        WorkerEnding? stopped = null;
        try
        {
            stopped = await WatchAsync(process, limits, timeLeft, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped below like any other worker; the caller hears of it once the process is gone.
        }
        Kill(process);
        await process.WaitForExitAsync(CancellationToken.None);
        await Task.WhenAll(stdout, stderrDone);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            var ending = stopped ?? (doneAt is not null
                ? WorkerEnding.Completed
                : WorkerEnding.Died(process.ExitCode, calledExit, stderr.StackOverflow, uncaught, fatal, stderr.Summary));
            var since = test?.Since ?? (suites.Count > 0 ? suites[^1].Since : clock.Elapsed);
            return new AttemptReport([.. planned], [.. results], test?.Name, [.. suites.Select(s => s.Name)],
                (clock.Elapsed - since).TotalSeconds, ending, stderr.Text);
        }
    }

    /// <summary>Null when the worker exited on its own; otherwise why it was killed.</summary>
    async Task<WorkerEnding?> WatchAsync(Process process, RunLimits limits, TimeSpan timeLeft, CancellationToken cancellationToken)
    {
        var startup = limits.TestTimeout > RunLimits.MinimumStartupTime ? limits.TestTimeout : RunLimits.MinimumStartupTime;
        while (!process.WaitForExit(0))
        {
            await Task.Delay(PollInterval, cancellationToken);
            var now = clock.Elapsed;
            if (now > timeLeft)
                return new(WorkerEndingKind.TotalTimedOut, $"the tests ran past the total time limit of {RunLimits.Seconds(limits.TotalTimeout)} s");
            if (ResidentMegabytes(process) is { } used && used > limits.MemoryMb)
                return new(WorkerEndingKind.MemoryExceeded, $"exceeded the memory limit of {limits.MemoryMb} MB (the test process used {used} MB)");
            lock (gate)
            {
                if (doneAt is { } done && now - done > ExitGrace) return WorkerEnding.Completed;
                if (test is { } running && now - running.Since > limits.TestTimeout)
                    return new(WorkerEndingKind.TestTimedOut, $"timed out after {RunLimits.Seconds(limits.TestTimeout)} s");
                if (test is null && suites.Count > 0 && now - (lastMessage ?? TimeSpan.Zero) > limits.TestTimeout)
                    return new(WorkerEndingKind.TestTimedOut, $"timed out after {RunLimits.Seconds(limits.TestTimeout)} s in the setup or teardown of {suites[^1].Name}");
                if (lastMessage is null && now > startup)
                    return new(WorkerEndingKind.Crashed, $"the test process did not start within {RunLimits.Seconds(startup)} s");
            }
        }
        return null;
    }

    async Task FollowAsync(Stream stdout, string nonce)
    {
        await foreach (var line in BoundedLineReader.ReadLinesAsync(stdout, MaxLineChars))
        {
            if (WorkerProtocol.Parse(line, nonce) is not { } message) continue;
            lock (gate)
            {
                var now = clock.Elapsed;
                lastMessage = now;
                switch (message)
                {
                    case PlanMessage plan: planned.AddRange(plan.Tests); break;
                    case StartMessage { IsSuite: true } start: suites.Add((start.FullName, now)); break;
                    case StartMessage start: test = (start.FullName, now); break;
                    case SuiteEndMessage end: suites.RemoveAll(s => s.Name == end.FullName); break;
                    case ResultMessage result:
                        results.Add(result.Result);
                        if (test?.Name == result.Result.Test.FullName) test = null;
                        break;
                    case DoneMessage: doneAt = now; break;
                    case ExitMessage: calledExit = true; break;
                    case CrashMessage crash: uncaught ??= crash.Exception.Split('\n')[0].Trim(); break;
                    case FatalMessage failure: fatal ??= failure.Reason; break;
                }
            }
        }
    }

    static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited in the meantime.
        }
    }

    static long? ResidentMegabytes(Process process)
    {
        try
        {
            process.Refresh();
            return process.WorkingSet64 / Megabyte;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
