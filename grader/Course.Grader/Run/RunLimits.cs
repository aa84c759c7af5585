using System.Globalization;
using Course.Grader.Manifest;

namespace Course.Grader.Run;

/// <summary>How long one test and the whole run may take, and how much memory the test process may use.</summary>
/// <param name="TestTimeout">A test case (or a fixture's setup) without a result for longer is stopped as timed out.</param>
/// <param name="TotalTimeout">Across every restart of the worker.</param>
/// <param name="MemoryMb">The resident memory of the test process and every process in its group; over it, the running test is stopped.</param>
public sealed record RunLimits(TimeSpan TestTimeout, TimeSpan TotalTimeout, int MemoryMb)
{
    /// <summary>The worker's own start (runtime, NUnit, assembly loading) is allowed at least this long.</summary>
    public static readonly TimeSpan MinimumStartupTime = TimeSpan.FromSeconds(60);

    /// <summary>A duration as messages show it: "3", "60", "2.5" (seconds, invariant culture).</summary>
    internal static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    public static RunLimits From(AssignmentLimits limits) =>
        new(TimeSpan.FromSeconds(limits.TestTimeoutSeconds), TimeSpan.FromSeconds(limits.TotalTimeoutSeconds), limits.MemoryMb);
}
