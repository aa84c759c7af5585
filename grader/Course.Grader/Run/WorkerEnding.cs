namespace Course.Grader.Run;

enum WorkerEndingKind
{
    /// <summary>Every test ran and the worker said so.</summary>
    Completed,
    TestTimedOut,
    TotalTimedOut,
    MemoryExceeded,
    /// <summary>The worker's process group held more processes than the limit.</summary>
    TooManyProcesses,
    CalledExit,
    Crashed,
    /// <summary>The worker said nothing for too long while no test or fixture ran (see <see cref="RunLimits.QuietTimeout"/>).</summary>
    WentQuiet,
    /// <summary>The worker could not load the tests at all.</summary>
    Fatal,
}

/// <summary>Why one start of the worker ended; <paramref name="Reason"/> is what the culprit test's result says.</summary>
sealed record WorkerEnding(WorkerEndingKind Kind, string Reason)
{
    public static readonly WorkerEnding Completed = new(WorkerEndingKind.Completed, "");

    /// <summary>The reason for a process that died on its own before it finished.</summary>
    /// <param name="stderrSummary">What the runtime said first, e.g. "Process terminated. ..." after Environment.FailFast.</param>
    /// <param name="nativeError">The libtorch error the process wrote to stderr as it died, e.g. a shape error in matmul.</param>
    public static WorkerEnding Died(int exitCode, bool calledExit, bool stackOverflow, string? uncaught, string? fatal, string stderrSummary,
        NativeError? nativeError = null)
    {
        if (fatal is not null) return new(WorkerEndingKind.Fatal, fatal);
        if (calledExit) return new(WorkerEndingKind.CalledExit, $"the test called Environment.Exit({exitCode}), which ended the test process");
        var crashed = $"the test process crashed (exit code {exitCode})";
        if (stackOverflow) return new(WorkerEndingKind.Crashed, $"{crashed}: stack overflow. Is there a recursion that never stops?");
        if (uncaught is not null) return new(WorkerEndingKind.Crashed, $"{crashed}: an exception on another thread was never caught: {uncaught}");
        if (nativeError is not null && exitCode != 0) return new(WorkerEndingKind.Crashed, nativeError.CrashReason(exitCode));
        return new(WorkerEndingKind.Crashed, exitCode switch
        {
            137 => $"{crashed}: it was killed, perhaps by the system for using too much memory",
            139 => $"{crashed}: segmentation fault in native code",
            0 => "the test process exited before the run finished (exit code 0)",
            _ when stderrSummary.Length > 0 => $"{crashed}: {stderrSummary}",
            _ => crashed,
        });
    }
}
