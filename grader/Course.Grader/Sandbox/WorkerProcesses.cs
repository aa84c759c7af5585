using System.ComponentModel;
using System.Diagnostics;
using System.IO.Pipes;
using System.Runtime.InteropServices;
using System.Text;

namespace Course.Grader.Sandbox;

/// <summary>
/// The worker and every process in its process group, as the grader sees them: what they hold (resident
/// memory, how many they are, on Linux from /proc), and how to end them all. The worker leads a group
/// of its own (it calls setpgid first thing), whose id is its pid.
/// </summary>
sealed class WorkerProcesses(Process worker)
{
    /// <param name="ResidentBytes">Summed over the group.</param>
    /// <param name="Count">Processes in the group, the worker included.</param>
    /// <param name="Cpu">
    /// The CPU time (user and system) of every thread of every process in the group since it started, with that of
    /// their children that have ended; it can drop when a member leaves the group.
    /// </param>
    public readonly record struct Usage(long ResidentBytes, int Count, TimeSpan Cpu);

    const int SIGKILL = 9, O_RDONLY = 0, O_CLOEXEC = 0x80000, SC_CLK_TCK = 2;
    /// <summary>
    /// In /proc/PID/stat, after the command's closing parenthesis: state is field 0, pgrp 2, utime, stime, cutime and
    /// cstime (clock ticks) 11 to 14, rss (pages) 21.
    /// </summary>
    const int StateField = 0, GroupField = 2, UserTimeField = 11, ChildSystemTimeField = 14, ResidentPagesField = 21;
    /// <summary>
    /// Reading every process's stat costs about 10 µs a process, so the whole of /proc is read every this
    /// many measurements (a quarter second at the run stage's pace) and the group's known members in between.
    /// </summary>
    const int FullScanEvery = 5;

    readonly byte[] statBuffer = new byte[1024];
    readonly byte[] pathBuffer = new byte[64];
    readonly List<int> members = [];
    int measurements;

    public Usage Measure()
    {
        if (!OperatingSystem.IsLinux()) return new(WorkingSet(), 1, ProcessorTime());
        if (measurements++ % FullScanEvery == 0)
        {
            members.Clear();
            foreach (var pid in ProcessIds())
                if (ReadStat(pid) is { } stat && (stat.Group == worker.Id || pid == worker.Id)) members.Add(pid);
        }
        long pages = 0, ticks = 0;
        var count = 0;
        var self = false;
        foreach (var pid in members)
        {
            if (ReadStat(pid) is not { } stat || (stat.Group != worker.Id && pid != worker.Id)) continue;
            pages += stat.ResidentPages;
            ticks += stat.CpuTicks;
            count++;
            self |= pid == worker.Id;
        }
        // Before the worker has made its group (or after it is gone), it is measured alone.
        return self
            ? new(pages * Environment.SystemPageSize, count, TimeSpan.FromSeconds((double)ticks / ClockTicks.Value))
            : new(WorkingSet(), Math.Max(count, 1), ProcessorTime());
    }

    /// <summary>
    /// Whether any thread of any process in the group is running or ready to run (state R), or waiting on the disk
    /// or memory (D, which a busy machine lengthens too), as of the last <see cref="Measure"/>'s members; false when
    /// all are blocked or sleeping; null where thread states cannot be read (not Linux, or none could be).
    /// </summary>
    public bool? Runnable()
    {
        if (!OperatingSystem.IsLinux()) return null;
        var read = false;
        foreach (var pid in members)
        {
            try
            {
                foreach (var thread in Directory.EnumerateDirectories($"/proc/{pid}/task"))
                {
                    if (!int.TryParse(Path.GetFileName(thread.AsSpan()), out var tid)) continue;
                    if (ReadState($"/proc/{pid}/task/{tid}/stat") is not { } state) continue;
                    read = true;
                    if (state is (byte)'R' or (byte)'D') return true;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile.
            }
        }
        return read ? false : null;
    }

    /// <summary>
    /// Kills the worker's process tree (while the worker lives: it is a child subreaper, so processes a
    /// test detached are still in its tree) and then its process group (which catches the processes
    /// whose parent died before).
    /// </summary>
    public void KillAll()
    {
        try
        {
            if (!worker.HasExited) worker.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // It exited in the meantime.
        }
        if (OperatingSystem.IsWindows()) return;
        // Repeated because a member that forks while the first signal is delivered adds a process to the group.
        for (var round = 0; round < 10 && kill(-worker.Id, SIGKILL) == 0; round++) Thread.Sleep(1);
    }

    /// <summary>
    /// Linux: the ids of the pipes the grader reads the worker's output from (pipe:[inode]), which every
    /// process holding the other end shares.
    /// </summary>
    public static IReadOnlySet<string> OutputPipes(Process process)
    {
        if (!OperatingSystem.IsLinux()) return new HashSet<string>();
        return new[] { process.StandardOutput.BaseStream, process.StandardError.BaseStream }
            .OfType<PipeStream>()
            .Select(pipe => new FileInfo($"/proc/self/fd/{pipe.SafePipeHandle.DangerousGetHandle()}").LinkTarget)
            .OfType<string>()
            .Where(link => link.StartsWith("pipe:", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Linux: kills every other process that still holds one of <paramref name="pipes"/>, which only a
    /// process that left the worker's group and outlived it can; returns how many.
    /// </summary>
    public static int KillPipeHolders(IReadOnlySet<string> pipes)
    {
        if (!OperatingSystem.IsLinux() || pipes.Count == 0) return 0;
        var killed = 0;
        foreach (var pid in ProcessIds().Where(pid => pid != Environment.ProcessId))
        {
            try
            {
                var holds = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd")
                    .Any(fd => new FileInfo(fd).LinkTarget is { } link && pipes.Contains(link));
                if (holds && kill(pid, SIGKILL) == 0) killed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone, or not ours to read.
            }
        }
        return killed;
    }

    TimeSpan ProcessorTime()
    {
        try
        {
            worker.Refresh();
            return worker.TotalProcessorTime;
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            return TimeSpan.Zero;
        }
    }

    long WorkingSet()
    {
        try
        {
            worker.Refresh();
            return worker.WorkingSet64;
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }

    /// <summary>
    /// The group, resident pages and CPU time (its threads' and its ended children's, in clock ticks) of a process,
    /// read without allocating; null when it is gone.
    /// </summary>
    (int Group, long ResidentPages, long CpuTicks)? ReadStat(int pid)
    {
        if (StatFields($"/proc/{pid}/stat") is not { } read) return null;
        var fields = statBuffer.AsSpan(read.Start, read.Length);
        long group = -1, pages = -1, ticks = 0;
        for (var field = -1; fields.Length > 0 && field < ResidentPagesField;)
        {
            fields = fields.TrimStart((byte)' ');
            var end = fields.IndexOf((byte)' ');
            var value = end < 0 ? fields : fields[..end];
            field++;
            if (field == GroupField && !TryParse(value, out group)) return null;
            if (field is >= UserTimeField and <= ChildSystemTimeField)
            {
                if (!TryParse(value, out var time)) return null;
                ticks += time;
            }
            if (field == ResidentPagesField && !TryParse(value, out pages)) return null;
            fields = end < 0 ? [] : fields[end..];
        }
        return group >= 0 && pages >= 0 ? ((int)group, pages, ticks) : null;
    }

    /// <summary>The state letter of a process or thread (its stat at <paramref name="path"/>); null when it is gone.</summary>
    byte? ReadState(string path)
    {
        if (StatFields(path) is not { } read) return null;
        var fields = statBuffer.AsSpan(read.Start, read.Length).TrimStart((byte)' ');
        return fields.IsEmpty ? null : fields[StateField];
    }

    /// <summary>Reads a stat file into the buffer; where its fields start (after the command name) and how long they are.</summary>
    (int Start, int Length)? StatFields(string path)
    {
        if (Encoding.ASCII.GetByteCount(path) >= pathBuffer.Length) return null;
        var length = Encoding.ASCII.GetBytes(path, pathBuffer);
        pathBuffer[length] = 0;
        var fd = open(pathBuffer, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return null;
        var read = (int)Read(fd, statBuffer, statBuffer.Length);
        close(fd);
        if (read <= 0) return null;
        // The command name may hold spaces and parentheses: the fields start after the last ')'.
        var start = statBuffer.AsSpan(0, read).LastIndexOf((byte)')') + 1;
        return start > 0 ? (start, read - start) : null;
    }

    /// <summary>Clock ticks a second, the unit of CPU times in /proc (USER_HZ: 100 on every Linux this runs on).</summary>
    static readonly Lazy<long> ClockTicks = new(() =>
    {
        try
        {
            return sysconf(SC_CLK_TCK) is var ticks and > 0 ? ticks : 100;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return 100;
        }
    });

    static bool TryParse(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        if (digits.IsEmpty) return false;
        foreach (var digit in digits)
        {
            if (digit is < (byte)'0' or > (byte)'9') return false;
            value = value * 10 + (digit - '0');
        }
        return true;
    }

    static IEnumerable<int> ProcessIds()
    {
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry.AsSpan()), out var pid)) yield return pid;
        }
    }

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);

    [DllImport("libc", SetLastError = true)]
    static extern int open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    static extern nint Read(int fd, byte[] buffer, nint count);

    [DllImport("libc", SetLastError = true)]
    static extern int close(int fd);

    [DllImport("libc")]
    static extern long sysconf(int name);
}
