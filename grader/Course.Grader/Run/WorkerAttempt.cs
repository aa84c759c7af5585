using System.Diagnostics;
using System.Threading.Channels;
using Course.Grader.Sandbox;

namespace Course.Grader.Run;

/// <summary>
/// One start of the test worker: follows its result stream and stops it at the first limit it breaks
/// (a test's time, the run's time, memory, processes). Time is charged as <see cref="TimePolicy"/> says: the
/// CPU time and idle time of the worker's process group, never the time it waits for a busy machine's CPUs.
/// It never throws for anything a test does, and every wait after the worker is stopped is bounded, so no
/// process a test left behind can hang the grader.
/// </summary>
sealed class WorkerAttempt
{
    const long Megabyte = 1024 * 1024;

    /// <summary>
    /// The most processes the worker's group may hold, the worker included. The worker needs no other
    /// (where seccomp runs, a test cannot even start one); a few more are let through so that a helper
    /// a test starts where seccomp is missing (a shell and one command) is stopped with the group and has
    /// its memory counted, while a fork bomb is stopped at the first poll past this, long before it could
    /// fill the machine's process table.
    /// </summary>
    public const int MaxProcesses = 4;

    static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    /// <summary>After the worker says it is done, how long it may take to exit (a test's foreground thread can keep it alive).</summary>
    static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(5);
    /// <summary>How long a killed worker may take to be gone.</summary>
    static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(10);
    /// <summary>How long the worker's output may stay open after it is gone, before and again after the processes holding it are killed.</summary>
    static readonly TimeSpan OutputWait = TimeSpan.FromSeconds(2);

    readonly Lock gate = new();
    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly List<TestCaseSpec> planned = [];
    readonly List<TestCaseResult> results = [];
    readonly List<(string Name, TimeSpan Since)> suites = [];
    readonly List<string> notes = [];
    /// <summary>The whole start.</summary>
    readonly TimeCharge charge = new();
    (string Name, TimeSpan Since)? test;
    /// <summary>Since the last message: while a test runs, the test; between tests, a fixture's setup or teardown.</summary>
    TimeCharge segment = new();
    TimeSpan? lastMessage, doneAt;
    bool calledExit;
    string? uncaught, fatal;
    IReadOnlyList<SandboxLayer>? sandbox;

    /// <param name="before">What the run's earlier starts were charged, and the wall time since the run began.</param>
    /// <param name="pool">Where to take a warm worker from and give it back to; null: a worker of its own, started for this attempt.</param>
    public static Task<AttemptReport> RunAsync(
        WorkerLocation worker, RunFolderLayout folder, IReadOnlySet<string> skip, IReadOnlyList<string> only, IReadOnlyList<string> later,
        IReadOnlyList<string> sandboxWithout, RunLimits limits, RunTime before, WorkerPool? pool, CancellationToken cancellationToken) =>
        new WorkerAttempt(pool).RunCoreAsync(worker, folder, skip, only, later, sandboxWithout, limits, before, cancellationToken);

    readonly WorkerPool? pool;

    WorkerAttempt(WorkerPool? pool) => this.pool = pool;

    async Task<AttemptReport> RunCoreAsync(
        WorkerLocation worker, RunFolderLayout folder, IReadOnlySet<string> skip, IReadOnlyList<string> only, IReadOnlyList<string> later,
        IReadOnlyList<string> sandboxWithout, RunLimits limits, RunTime before, CancellationToken cancellationToken)
    {
        var stderr = new StderrTail();
        var process = pool is null
            ? await WorkerProcess.StartAsync(WorkerCommand.StartInfo(worker, folder, skip, only, sandboxWithout, later), stderr)
            : await pool.LeaseAsync(new RunCommand(folder.Root, folder.Assemblies, [.. skip.Order(StringComparer.Ordinal)], only, later), stderr);
        var served = false;
        try
        {
            sandbox = process.Sandbox;
            var policy = new TimePolicy(limits, TimePolicy.ThreadsOf(process.Process.StartInfo.Environment));
            var follow = Task.Run(() => FollowAsync(process.Messages), CancellationToken.None);
            WorkerEnding? stopped = null;
            try
            {
                stopped = await WatchAsync(process, policy, before, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped below like any other worker; the caller hears of it once the process is gone.
            }
            // A serving worker that finished its run goes back to its pool; every other is stopped with its group.
            served = pool is not null && stopped == WorkerEnding.Completed && !cancellationToken.IsCancellationRequested;
            var exited = served || await StopAsync(process, Task.WhenAll(follow, process.Output));
            if (served) await follow;
            cancellationToken.ThrowIfCancellationRequested();
            lock (gate)
            {
                var ending = stopped ?? (doneAt is not null
                    ? WorkerEnding.Completed
                    : exited
                        ? WorkerEnding.Died(process.Process.ExitCode, calledExit, stderr.StackOverflow, uncaught, fatal, stderr.Summary, stderr.NativeError)
                        : new WorkerEnding(WorkerEndingKind.Crashed, $"the test process could not be stopped within {RunLimits.Seconds(ExitWait)} s"));
                var since = test?.Since ?? (suites.Count > 0 ? suites[^1].Since : clock.Elapsed);
                return new AttemptReport([.. planned], [.. results], test?.Name, [.. suites.Select(s => s.Name)],
                    (clock.Elapsed - since).TotalSeconds, ending, stderr.Text, sandbox, [.. notes])
                {
                    Charged = charge.Charged(policy.Threads),
                };
            }
        }
        finally
        {
            if (served) pool!.Return(process, limits);
            else
            {
                pool?.Forget(process);
                process.Dispose();
            }
        }
    }

    /// <summary>
    /// Kills the worker with its group and waits, each wait bounded, for it to be gone and for its output
    /// to end; a process outside the group that still holds the output is killed. Returns whether the
    /// worker exited.
    /// </summary>
    async Task<bool> StopAsync(WorkerProcess process, Task output)
    {
        process.Group.KillAll();
        var exited = await CompletesWithin(process.Process.WaitForExitAsync(CancellationToken.None), ExitWait);
        if (await CompletesWithin(output, OutputWait)) return exited;
        var killed = WorkerProcesses.KillPipeHolders(process.Pipes);
        var drained = await CompletesWithin(output, OutputWait);
        lock (gate)
        {
            if (killed > 0)
                notes.Add($"{killed} process(es) outside the test process's group still held its output open after it ended; the grader killed them");
            if (!drained)
                notes.Add($"the test process's output was still open {RunLimits.Seconds(OutputWait + OutputWait)} s after it ended; the grader stopped reading it");
        }
        return exited;
    }

    static async Task<bool> CompletesWithin(Task task, TimeSpan bound) =>
        await Task.WhenAny(task, Task.Delay(bound)) == task;

    /// <summary>
    /// Null when the worker exited on its own; otherwise why it was killed, or <see cref="WorkerEnding.Completed"/> for a
    /// serving worker that finished the run (it stays up for the next).
    /// </summary>
    async Task<WorkerEnding?> WatchAsync(WorkerProcess worker, TimePolicy policy, RunTime before, CancellationToken cancellationToken)
    {
        var (process, processes) = (worker.Process, worker.Group);
        var limits = policy.Limits;
        var polled = clock.Elapsed;
        // A worker's first run is charged the worker's start, as a run's own worker is, also when a pool started it ahead of
        // the run (a grade's early worker); a warm one's counts from here.
        var cpu = worker.HasServed ? processes.Measure().Cpu : TimeSpan.Zero;
        while (!process.WaitForExit(0))
        {
            await Task.Delay(PollInterval, cancellationToken);
            var now = clock.Elapsed;
            var usage = processes.Measure();
            // A member leaving the group lowers the sum; the drop is not credited back.
            var step = TimeStep.Of(now - polled, usage.Cpu - cpu, processes.Runnable);
            (polled, cpu) = (now, usage.Cpu);
            charge.Add(step);
            if (TimePolicy.TotalTimedOut(limits, before.Charged + charge.Charged(policy.Threads), before.Wall + now) is { } total)
                return new(WorkerEndingKind.TotalTimedOut, total);
            if (usage.ResidentBytes / Megabyte is var used && used > limits.MemoryMb)
                return new(WorkerEndingKind.MemoryExceeded, usage.Count == 1
                    ? $"exceeded the memory limit of {limits.MemoryMb} MB (the test process used {used} MB)"
                    : $"exceeded the memory limit of {limits.MemoryMb} MB (the test process and the {usage.Count - 1} other processes in its group used {used} MB)");
            if (usage.Count > MaxProcesses)
                return new(WorkerEndingKind.TooManyProcesses,
                    $"started more processes than allowed: {usage.Count} in the test process's group, over the limit of {MaxProcesses} (tests may not start processes)");
            lock (gate)
            {
                segment.Add(step);
                if (doneAt is { } done && (pool is not null || now - done > ExitGrace)) return WorkerEnding.Completed;
                if (test is not null && policy.TestTimedOut(segment) is { } timedOut)
                    return new(WorkerEndingKind.TestTimedOut, timedOut);
                if (test is null && suites.Count > 0 && policy.TestTimedOut(segment) is { } inSetup)
                    return new(WorkerEndingKind.TestTimedOut, $"{inSetup} in the setup or teardown of {suites[^1].Name}");
                if (lastMessage is null && charge.Charged(policy.Threads) > limits.Quiet)
                    return new(WorkerEndingKind.Crashed, $"the test process did not start within {RunLimits.Seconds(limits.Quiet)} s");
                // Loading and listing the tests, loading libtorch, the gaps between assemblies: the worker's own work, which
                // no test limit covers, is bounded too, so that a worker stuck there costs a minute, not the whole run's time.
                if (lastMessage is not null && test is null && suites.Count == 0 && doneAt is null && segment.Charged(policy.Threads) > limits.Quiet)
                    return new(WorkerEndingKind.WentQuiet,
                        $"the test process said nothing for {RunLimits.Seconds(limits.Quiet)} s while no test ran (loading or listing the tests, or loading libtorch)");
            }
        }
        return null;
    }

    async Task FollowAsync(ChannelReader<WorkerMessage> messages)
    {
        await foreach (var message in messages.ReadAllAsync())
        {
            lock (gate)
            {
                var now = clock.Elapsed;
                lastMessage = now;
                segment = new TimeCharge();
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
                    case SandboxMessage report: sandbox ??= report.Layers; break;
                }
            }
            // A serving worker's next messages are the next run's.
            if (pool is not null && message is DoneMessage) return;
        }
    }
}
