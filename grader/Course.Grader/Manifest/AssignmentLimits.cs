namespace Course.Grader.Manifest;

/// <summary>Resource limits for grading one submission.</summary>
public sealed record AssignmentLimits(int TestTimeoutSeconds, int TotalTimeoutSeconds, int MemoryMb)
{
    /// <summary>Used for any limit the manifest leaves out: a minute a test, ten minutes in all, 4 GiB.</summary>
    public static AssignmentLimits Default { get; } = new(TestTimeoutSeconds: 60, TotalTimeoutSeconds: 600, MemoryMb: 4096);
}
