namespace Course.Grader.Manifest;

/// <summary>Resource limits for grading one submission (see <see cref="Run.RunLimits"/> for how time is counted).</summary>
/// <param name="TestTimeoutSeconds">
/// limits.test_timeout_seconds: the CPU time one test may use (summed over the test process's threads and processes,
/// times OMP_NUM_THREADS when the grader allows libtorch more than one thread), and how long it may be blocked or
/// sleeping. Not wall time: waiting for a busy machine's CPUs counts for neither.
/// </param>
/// <param name="TotalTimeoutSeconds">
/// limits.total_timeout_seconds: the same, over every test of the run; however busy the machine, a run is stopped
/// after <see cref="Run.RunLimits.WallBackstopFactor"/> times this in wall time.
/// </param>
/// <param name="MemoryMb">limits.memory_mb: the resident memory of the test process and every process it starts.</param>
/// <param name="CompileTimeoutSeconds">Compiling the student's code and the tests against it, then checking it (a compile-time bomb stops here; see <see cref="Pipeline.Deadline"/>).</param>
public sealed record AssignmentLimits(int TestTimeoutSeconds, int TotalTimeoutSeconds, int MemoryMb, int CompileTimeoutSeconds = 60)
{
    /// <summary>Used for any limit the manifest leaves out: a minute a test, ten minutes in all, 4 GiB, a minute to compile.</summary>
    public static AssignmentLimits Default { get; } = new(TestTimeoutSeconds: 60, TotalTimeoutSeconds: 600, MemoryMb: 4096, CompileTimeoutSeconds: 60);
}
