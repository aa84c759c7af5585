namespace Course.Grader.Run;

/// <summary>
/// One poll of the worker's process group: the wall time since the previous poll, the CPU time the group used
/// meanwhile (every thread of every process, summed), and whether any of its threads was running or ready to run
/// (Linux states R and D) when polled; null where the platform cannot tell.
/// </summary>
readonly record struct TimeStep(TimeSpan Wall, TimeSpan Cpu, bool? Runnable)
{
    /// <summary>
    /// A poll in which the group used the CPU for at least half the wall time was busy, not idle, and its thread
    /// states are not read (that costs a read of every thread's stat); otherwise <paramref name="runnable"/> says.
    /// </summary>
    public static TimeStep Of(TimeSpan wall, TimeSpan cpu, Func<bool?> runnable)
    {
        if (wall < TimeSpan.Zero) wall = TimeSpan.Zero;
        if (cpu < TimeSpan.Zero) cpu = TimeSpan.Zero;
        return new(wall, cpu, cpu * 2 >= wall ? true : runnable());
    }
}

/// <summary>
/// The time charged to a stretch of the worker's life (one test, one start of the worker): the CPU time its
/// process group used, and the time it sat idle (blocked or sleeping: no thread running or ready to run). Time
/// the group spent ready to run but waiting for a CPU that other processes held is not charged, so a busy
/// machine slows a test down without bringing it nearer its limit.
/// </summary>
sealed class TimeCharge
{
    public TimeSpan Wall { get; private set; }

    /// <summary>Summed over threads: with several threads busy at once it grows faster than wall time.</summary>
    public TimeSpan Cpu { get; private set; }

    /// <summary>
    /// Wall time of polls that found no thread of the group running or ready to run, less the CPU time used in
    /// them. Where thread states are unknown, every poll counts so (so this is wall time less CPU time).
    /// </summary>
    public TimeSpan Idle { get; private set; }

    /// <summary>False once a poll could not read the group's thread states: <see cref="Idle"/> then includes time spent waiting for a CPU.</summary>
    public bool StatesKnown { get; private set; } = true;

    public void Add(TimeStep step)
    {
        Wall += step.Wall;
        Cpu += step.Cpu;
        if (step.Runnable is null) StatesKnown = false;
        if (step.Runnable is not true && step.Wall > step.Cpu) Idle += step.Wall - step.Cpu;
    }

    /// <summary>What counts against the total limit: CPU time per thread the tests may use, plus idle time.</summary>
    public TimeSpan Charged(int threads) => Cpu / Math.Max(threads, 1) + Idle;
}

/// <summary>A run's time so far: what its finished worker starts were charged, and the wall time since it began.</summary>
readonly record struct RunTime(TimeSpan Charged, TimeSpan Wall);

/// <summary>
/// When a test, or the whole run, has used up its time (see <see cref="RunLimits"/>). A test may use
/// <c>TestTimeout</c> of CPU time for each thread the tests may run (<paramref name="threads"/>: libtorch's
/// OpenMP threads, 1 unless OMP_NUM_THREADS says otherwise), and be idle (blocked or sleeping) for
/// <c>TestTimeout</c>; where thread states are unknown, its wall time less CPU time may reach
/// <see cref="RunLimits.WallBackstopFactor"/> times that. The run may be charged <c>TotalTimeout</c> (CPU time per
/// thread plus idle time), and take at most <see cref="RunLimits.WallBackstopFactor"/> times that in wall time.
/// </summary>
sealed class TimePolicy(RunLimits limits, int threads)
{
    public const string OpenMpThreads = "OMP_NUM_THREADS";

    public int Threads { get; } = Math.Max(threads, 1);

    public RunLimits Limits => limits;

    public TimeSpan TestCpu => limits.TestTimeout * Threads;

    /// <summary>Why a test (or a fixture's setup or teardown) charged <paramref name="test"/> has run out of time; null while it has not.</summary>
    public string? TestTimedOut(TimeCharge test)
    {
        if (test.Cpu > TestCpu)
        {
            var perThread = Threads > 1 ? $" ({RunLimits.Seconds(limits.TestTimeout)} s for each of the {Threads} libtorch threads)" : "";
            return $"timed out after {RunLimits.Seconds(TestCpu)} s of CPU time{perThread}";
        }
        if (test.StatesKnown && test.Idle > limits.TestTimeout)
            return $"timed out: blocked or sleeping for {RunLimits.Seconds(limits.TestTimeout)} s (a deadlock, a wait that never ends, Thread.Sleep?)";
        if (!test.StatesKnown && test.Idle > limits.TestTimeout * RunLimits.WallBackstopFactor)
            return $"timed out: no progress for {RunLimits.Seconds(limits.TestTimeout * RunLimits.WallBackstopFactor)} s of wall time (blocked or sleeping?)";
        return null;
    }

    /// <summary>Why a run has run out of time, having been charged <paramref name="charged"/> over <paramref name="wall"/>; null while it has not.</summary>
    public static string? TotalTimedOut(RunLimits limits, TimeSpan charged, TimeSpan wall)
    {
        if (charged >= limits.TotalTimeout)
            return $"the tests ran past the total time limit of {RunLimits.Seconds(limits.TotalTimeout)} s";
        var backstop = limits.TotalTimeout * RunLimits.WallBackstopFactor;
        if (wall >= backstop)
            return $"the tests ran past {RunLimits.Seconds(backstop)} s of wall time, {RunLimits.WallBackstopFactor} times the total time limit of " +
                $"{RunLimits.Seconds(limits.TotalTimeout)} s: the machine was too busy to finish them";
        return null;
    }

    /// <summary>
    /// How many CPU threads the worker's tests may use: OMP_NUM_THREADS of its environment (the first number of a
    /// list), at least 1 and at most the machine's processors; 1 without it.
    /// </summary>
    public static int ThreadsOf(IDictionary<string, string?> environment)
    {
        if (!environment.TryGetValue(OpenMpThreads, out var value) || value is null) return 1;
        var first = value.Split(',')[0].Trim();
        return int.TryParse(first, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? Math.Clamp(n, 1, Environment.ProcessorCount)
            : 1;
    }
}
