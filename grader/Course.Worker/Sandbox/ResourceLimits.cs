using System.Runtime.InteropServices;
using Course.Grader.Sandbox;

namespace Course.Worker.Sandbox;

/// <summary>
/// Kernel resource limits, kept across exec and by every child: no core files (a crash must not leave a
/// dump of a process that held the tests), files of at most 1 GiB (a write past it fails with EFBIG
/// instead of filling the disk), and, for a worker that does not run as root, a cap on its user's
/// processes (the kernel never applies RLIMIT_NPROC to root; seccomp denies new processes there).
/// </summary>
static class ResourceLimits
{
    public const ulong MaxFileBytes = 1UL << 30;

    /// <summary>
    /// RLIMIT_NPROC counts every thread of the user, the grader's and other workers' included, so the cap
    /// is what the user runs now plus this much room: enough for the worker's threads and other grades
    /// starting meanwhile, small enough that a fork bomb stops far short of the machine's limit.
    /// </summary>
    const int TaskHeadroom = 1024;

    public static SandboxLayer Apply()
    {
        var applied = new List<string>();
        var failed = new List<string>();
        if (Lower(Libc.RLIMIT_CORE, 0)) applied.Add("no core files");
        else failed.Add($"RLIMIT_CORE (errno {Marshal.GetLastPInvokeError()})");
        if (Lower(Libc.RLIMIT_FSIZE, MaxFileBytes))
        {
            // Without this a write past the limit kills the process with SIGXFSZ; ignored, it fails with EFBIG.
            Libc.signal(Libc.SIGXFSZ, Libc.SIG_IGN);
            applied.Add("files of at most 1 GiB");
        }
        else
        {
            failed.Add($"RLIMIT_FSIZE (errno {Marshal.GetLastPInvokeError()})");
        }
        if (OperatingSystem.IsLinux())
        {
            if (Libc.getuid() == 0)
                applied.Add("no process cap: the kernel exempts root from RLIMIT_NPROC");
            else if (UserTaskCount() is { } tasks && Lower(Libc.RLIMIT_NPROC, (ulong)(tasks + TaskHeadroom)))
                applied.Add($"at most {TaskHeadroom} more processes and threads for the user than it ran when the worker started");
            else
                failed.Add($"RLIMIT_NPROC (errno {Marshal.GetLastPInvokeError()})");
        }
        var detail = string.Join(", ", applied);
        return failed.Count == 0
            ? new(SandboxLayerNames.ResourceLimits, true, detail)
            : new(SandboxLayerNames.ResourceLimits, false, $"could not set {string.Join(", ", failed)}; {detail}");
    }

    /// <summary>Sets soft and hard limit to <paramref name="value"/>, or keeps a lower hard limit.</summary>
    static bool Lower(int resource, ulong value)
    {
        if (Libc.getrlimit(resource, out var current) != 0) return false;
        var limit = Math.Min(value, current.Maximum);
        var wanted = new Libc.RLimit { Current = limit, Maximum = limit };
        return Libc.setrlimit(resource, ref wanted) == 0;
    }

    /// <summary>The threads of every process of this user, which is what RLIMIT_NPROC counts.</summary>
    static int? UserTaskCount()
    {
        var uid = Libc.getuid().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var tasks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!char.IsAsciiDigit(Path.GetFileName(dir)[0])) continue;
            try
            {
                string? owner = null;
                var threads = 0;
                foreach (var line in File.ReadLines(Path.Combine(dir, "status")))
                {
                    if (line.StartsWith("Uid:", StringComparison.Ordinal)) owner = line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
                    else if (line.StartsWith("Threads:", StringComparison.Ordinal)) int.TryParse(line.AsSpan(8).Trim(), out threads);
                }
                if (owner == uid) tasks += threads;
            }
            catch (IOException)
            {
                // The process ended meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return tasks > 0 ? tasks : null;
    }
}
