namespace Course.Grader.Manifest;

/// <summary>Resource limits for grading one submission.</summary>
/// <param name="CompileTimeoutSeconds">Compiling the student's code and the tests against it (a compile-time bomb stops here).</param>
public sealed record AssignmentLimits(int TestTimeoutSeconds, int TotalTimeoutSeconds, int MemoryMb, int CompileTimeoutSeconds = 60)
{
    /// <summary>Used for any limit the manifest leaves out: a minute a test, ten minutes in all, 4 GiB, a minute to compile.</summary>
    public static AssignmentLimits Default { get; } = new(TestTimeoutSeconds: 60, TotalTimeoutSeconds: 600, MemoryMb: 4096, CompileTimeoutSeconds: 60);
}
