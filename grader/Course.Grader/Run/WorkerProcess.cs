using System.Diagnostics;
using System.Threading.Channels;
using Course.Grader.Sandbox;

namespace Course.Grader.Run;

/// <summary>
/// A started test worker and its streams: its process group (<see cref="WorkerProcesses"/>), the protocol messages on
/// its stdout (only lines with its nonce; anything else a test printed is dropped) and its stderr, whose lines go to
/// the tail of the attempt watching it. A <c>run</c> worker serves one attempt and exits; a serving one (see
/// <see cref="WorkerPool"/>) serves one attempt after another.
/// </summary>
sealed class WorkerProcess : IDisposable
{
    const int MaxLineChars = 16 * 1024 * 1024;

    readonly Channel<WorkerMessage> messages = Channel.CreateUnbounded<WorkerMessage>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    readonly string nonce;
    StderrTail stderr;
    volatile IReadOnlyList<SandboxLayer>? sandbox;

    WorkerProcess(Process process, string nonce, StderrTail stderr)
    {
        Process = process;
        this.nonce = nonce;
        this.stderr = stderr;
        Group = new WorkerProcesses(process);
        Pipes = WorkerProcesses.OutputPipes(process);
        Output = Task.WhenAll(Task.Run(PumpStdoutAsync, CancellationToken.None), Task.Run(PumpStderrAsync, CancellationToken.None));
    }

    public Process Process { get; }

    public WorkerProcesses Group { get; }

    /// <summary>The pipes of its stdout and stderr (see <see cref="WorkerProcesses.OutputPipes"/>).</summary>
    public IReadOnlySet<string> Pipes { get; }

    /// <summary>Completes when both its stdout and its stderr have ended.</summary>
    public Task Output { get; }

    /// <summary>Its protocol messages, in order; complete once its stdout ends.</summary>
    public ChannelReader<WorkerMessage> Messages => messages.Reader;

    /// <summary>Whether it completed a run and went back to its pool: a later run's time counts from when it takes the worker.</summary>
    public bool HasServed { get; private set; }

    public void MarkServed() => HasServed = true;

    /// <summary>The sandbox layers it reported as it started, once it has.</summary>
    public IReadOnlyList<SandboxLayer>? Sandbox => sandbox;

    /// <summary>Starts the worker and sends it the protocol's nonce (see <see cref="WorkerProtocol"/>); its stderr goes to <paramref name="stderr"/>.</summary>
    public static async Task<WorkerProcess> StartAsync(ProcessStartInfo info, StderrTail stderr)
    {
        var process = new Process { StartInfo = info };
        process.Start();
        var worker = new WorkerProcess(process, Guid.NewGuid().ToString("N"), stderr);
        // Stdin stays open after the nonce: the worker takes its end closing as the grader being gone.
        // A worker that died at once is seen as such by whoever watches it: its exit code and stderr tell why.
        await worker.SendAsync(worker.nonce);
        return worker;
    }

    /// <summary>Sends its stderr lines to <paramref name="tail"/> from now on.</summary>
    public void ReadStderrInto(StderrTail tail) => Volatile.Write(ref stderr, tail);

    /// <summary>Writes a line to its stdin; false when it is gone.</summary>
    public async Task<bool> SendAsync(string line)
    {
        try
        {
            await Process.StandardInput.WriteLineAsync(line);
            await Process.StandardInput.FlushAsync(CancellationToken.None);
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return false;
        }
    }

    async Task PumpStdoutAsync()
    {
        try
        {
            await foreach (var line in BoundedLineReader.ReadLinesAsync(Process.StandardOutput.BaseStream, MaxLineChars))
            {
                if (WorkerProtocol.Parse(line, nonce) is not { } message) continue;
                if (message is SandboxMessage report) sandbox ??= report.Layers;
                messages.Writer.TryWrite(message);
            }
        }
        finally
        {
            messages.Writer.TryComplete();
        }
    }

    async Task PumpStderrAsync()
    {
        await foreach (var line in BoundedLineReader.ReadLinesAsync(Process.StandardError.BaseStream, StderrTail.MaxLineChars))
            Volatile.Read(ref stderr).Observe(line);
    }

    public void Dispose() => Process.Dispose();
}
