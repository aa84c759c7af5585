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

    /// <summary>Starts watching for the grader's end of stdin to close; anything the grader writes on it is ignored.</summary>
    public static void Hold() => Follow(_ => { });

    /// <summary>The longest line read from the lifeline (a serving worker's run command, whose skip list can hold every test's name).</summary>
    const int MaxLineBytes = 16 * 1024 * 1024;

    /// <summary>
    /// For a serving worker, in place of <see cref="Hold"/>: the lines the grader sends on the lifeline after the nonce, as
    /// they come. A thread reads them whatever the main thread runs, so end of file still ends everything at once.
    /// </summary>
    public static IEnumerable<string> Commands()
    {
        var lines = new System.Collections.Concurrent.BlockingCollection<string>();
        Follow(lines.Add);
        return lines.GetConsumingEnumerable();
    }

    /// <summary>A thread that hands each line of the lifeline to <paramref name="onLine"/> and, at end of file, ends everything.</summary>
    static void Follow(Action<string> onLine)
    {
        var thread = new Thread(() =>
        {
            try
            {
                if (OperatingSystem.IsLinux() && heldFd >= 0) ReadLines(heldFd, onLine);
                // Elsewhere the nonce came through Console.In, which may already hold the next line in its buffer.
                else
                {
                    while (Console.In.ReadLine() is { } line) onLine(line);
                }
            }
            catch (IOException)
            {
            }
            EndEverything();
        })
        { IsBackground = true, Name = "course-lifeline" };
        thread.Start();
    }

    static void ReadLines(int fd, Action<string> onLine)
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
                    if (line.Length < MaxLineBytes) line.WriteByte(b);
                    continue;
                }
                onLine(Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length));
                line.SetLength(0);
            }
        }
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
