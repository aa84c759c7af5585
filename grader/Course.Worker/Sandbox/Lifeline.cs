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
