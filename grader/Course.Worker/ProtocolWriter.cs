using System.Text;
using Course.Grader.Run;

namespace Course.Worker;

/// <summary>
/// Writes protocol lines straight to the process's stdout stream, not through <see cref="Console.Out"/>,
/// which NUnit redirects and tests may replace. Each line goes out in one write, after a newline, so
/// a test's half-written line on the same stream cannot swallow the marker.
/// </summary>
sealed class ProtocolWriter(Stream stdout, string nonce)
{
    readonly Lock gate = new();

    public void Send(WorkerMessage message)
    {
        var bytes = Encoding.UTF8.GetBytes("\n" + WorkerProtocol.Format(message, nonce) + "\n");
        lock (gate)
        {
            stdout.Write(bytes);
            stdout.Flush();
        }
    }
}
