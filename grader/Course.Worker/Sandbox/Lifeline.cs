using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Course.Worker.Sandbox;

/// <summary>
/// Ties the worker to the grader through its stdin: the grader sends the protocol nonce on it and then
/// keeps its end open for as long as it wants the worker. End of file means the grader is gone, even
/// killed with SIGKILL, and the worker then kills its whole process group. (Not PR_SET_PDEATHSIG: it
/// fires when the thread that spawned the worker exits, and the grader's thread-pool threads do.)
/// </summary>
static class Lifeline
{
    const int MaxNonceBytes = 256;
    static int heldFd = -1;

    /// <summary>
    /// Reads the nonce line. On Linux the read is unbuffered and stdin is then moved to a private
    /// descriptor, with /dev/null in its place, so a test that reads the console gets end of file as
    /// before and cannot consume the lifeline.
    /// </summary>
    public static string ReadNonce()
    {
        if (!OperatingSystem.IsLinux()) return Console.In.ReadLine()?.Trim() ?? "";
        var line = new List<byte>();
        var one = new byte[1];
        while (line.Count < MaxNonceBytes)
        {
            var read = Libc.read(0, one, 1);
            if (read < 0 && Marshal.GetLastPInvokeError() == Libc.EINTR) continue;
            if (read <= 0 || one[0] == (byte)'\n') break;
            line.Add(one[0]);
        }
        heldFd = Libc.fcntl(0, Libc.F_DUPFD_CLOEXEC, 3);
        var devNull = Libc.open("/dev/null", Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (devNull >= 0)
        {
            Libc.dup3(devNull, 0, 0);
            Libc.close(devNull);
        }
        return Encoding.ASCII.GetString([.. line]).Trim();
    }

    /// <summary>Starts watching for the grader's end of stdin to close.</summary>
    public static void Hold()
    {
        var thread = new Thread(Watch) { IsBackground = true, Name = "course-lifeline" };
        thread.Start();
    }

    /// <summary>The longest command line a serving worker reads (a run's skip list can hold every test's name).</summary>
    const int MaxCommandBytes = 16 * 1024 * 1024;

    /// <summary>
    /// For a serving worker, in place of <see cref="Hold"/>: the lines the grader sends on the lifeline after the nonce, as
    /// they come. A thread reads them whatever the main thread runs, so end of file still ends everything at once.
    /// </summary>
    public static IEnumerable<string> Commands()
    {
        var lines = new System.Collections.Concurrent.BlockingCollection<string>();
        var thread = new Thread(() => ReadCommands(lines)) { IsBackground = true, Name = "course-lifeline" };
        thread.Start();
        return lines.GetConsumingEnumerable();
    }

    static void ReadCommands(System.Collections.Concurrent.BlockingCollection<string> lines)
    {
        try
        {
            if (OperatingSystem.IsLinux() && heldFd >= 0) ReadLines(heldFd, lines);
            // Elsewhere the nonce came through Console.In, which may already hold the first command in its buffer.
            else
            {
                while (Console.In.ReadLine() is { } line) lines.Add(line);
            }
        }
        catch (IOException)
        {
        }
        EndEverything();
    }

    static void ReadLines(int fd, System.Collections.Concurrent.BlockingCollection<string> lines)
    {
        using var stdin = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: false), FileAccess.Read, bufferSize: 0);
        var line = new MemoryStream();
        var buffer = new byte[64 * 1024];
        for (int read; (read = stdin.Read(buffer)) > 0;)
        {
            foreach (var b in buffer.AsSpan(0, read))
            {
                if (b != (byte)'\n')
                {
                    if (line.Length < MaxCommandBytes) line.WriteByte(b);
                    continue;
                }
                lines.Add(Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length));
                line.SetLength(0);
            }
        }
    }

    static void Watch()
    {
        if (OperatingSystem.IsLinux() && heldFd >= 0)
        {
            var buffer = new byte[64];
            while (true)
            {
                var read = Libc.read(heldFd, buffer, buffer.Length);
                if (read > 0 || (read < 0 && Marshal.GetLastPInvokeError() == Libc.EINTR)) continue;
                break;
            }
        }
        else
        {
            using var stdin = Console.OpenStandardInput();
            var buffer = new byte[64];
            try
            {
                while (stdin.Read(buffer) > 0)
                {
                }
            }
            catch (IOException)
            {
            }
        }
        EndEverything();
    }

    static void EndEverything()
    {
        if (!OperatingSystem.IsWindows())
        {
            Libc.kill(0, Libc.SIGKILL);
            Libc.kill(Environment.ProcessId, Libc.SIGKILL);
        }
        Process.GetCurrentProcess().Kill(entireProcessTree: true);
    }
}
