using System.Runtime.InteropServices;

namespace Course.Grader.Tests.Run;

/// <summary>What this machine's kernel offers the sandbox, probed independently of the worker, so a test can say which layers must be active.</summary>
static class KernelFeatures
{
    /// <summary>The Landlock ABI (0: none, or not Linux).</summary>
    public static readonly int LandlockAbi = ProbeLandlock();

    /// <summary>Seccomp filters on an architecture the worker has a syscall table for.</summary>
    public static readonly bool Seccomp = OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64
        && File.ReadLines("/proc/self/status").Any(line => line.StartsWith("Seccomp_filters:", StringComparison.Ordinal));

    /// <summary>Processes whose command line contains <paramref name="marker"/> (Linux).</summary>
    public static IReadOnlyList<int> ProcessesWith(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal)) found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return found;
    }

    static int ProbeLandlock()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        var abi = syscall(444, 0, 0, 1);
        return abi > 0 ? (int)abi : 0;
    }

    [DllImport("libc")]
    static extern long syscall(long number, nint arg1, nint arg2, nint arg3);
}
