using System.Globalization;
using Course.Grader.Manifest;

namespace Course.Grader.Run;

/// <summary>
/// How long one test and the whole run may take, and how much memory the test process may use. Time is what the
/// test process uses, not what the clock on the wall says, so that a busy machine (other grades, a build) slows a
/// test down without timing it out: its CPU time, and the time it sits blocked or sleeping. Time spent ready to
/// run while other processes hold the CPUs is not counted. See <see cref="TimePolicy"/>.
/// </summary>
/// <param name="TestTimeout">
/// A test case (or a fixture's setup or teardown) is stopped as timed out when the worker's process group has used
/// this much CPU time for it (summed over threads; times the number of libtorch threads when OMP_NUM_THREADS allows
/// more than one), or has been blocked or sleeping (no thread running or ready to run) for this long. Where thread
/// states cannot be read (not Linux), the second clock is wall time less CPU time, allowed <see cref="WallBackstopFactor"/> times this.
/// </param>
/// <param name="TotalTimeout">
/// Across every restart of the worker: CPU time (per libtorch thread) plus time blocked or sleeping. However busy the
/// machine, a run ends after <see cref="WallBackstopFactor"/> times this in wall time.
/// </param>
/// <param name="MemoryMb">The resident memory of the test process and every process in its group; over it, the running test is stopped.</param>
public sealed record RunLimits(TimeSpan TestTimeout, TimeSpan TotalTimeout, int MemoryMb)
{
    /// <summary>
    /// How long the worker may go without a word while no test runs and no fixture is set up or torn down: its own start,
    /// loading the test assemblies and listing their tests, loading libtorch, the gaps between assemblies. Charged as a
    /// test is (CPU time per libtorch thread, time blocked or sleeping), and never less than <see cref="TestTimeout"/>.
    /// Past it the worker is stopped; when no test had started, nothing is to blame, and the run starts a new worker once
    /// more before it gives up (<see cref="RunStage"/>).
    /// </summary>
    public TimeSpan QuietTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary><see cref="QuietTimeout"/>, or <see cref="TestTimeout"/> where that is longer.</summary>
    internal TimeSpan Quiet => TestTimeout > QuietTimeout ? TestTimeout : QuietTimeout;

    /// <summary>
    /// How many times its total limit a run may take in wall time, on a machine too busy to give it the CPU, before
    /// it is stopped anyway; also how many times its limit a test may go without using the CPU where the grader
    /// cannot tell blocked from waiting for a CPU.
    /// </summary>
    public const int WallBackstopFactor = 3;

    /// <summary>A duration as messages show it: "3", "60", "2.5" (seconds, invariant culture).</summary>
    internal static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    public static RunLimits From(AssignmentLimits limits) =>
        new(TimeSpan.FromSeconds(limits.TestTimeoutSeconds), TimeSpan.FromSeconds(limits.TotalTimeoutSeconds), limits.MemoryMb);
}
