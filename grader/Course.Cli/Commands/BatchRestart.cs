using Course.Grader.Batch;
using Course.Grader.Sandbox;

namespace Course.Cli.Commands;

/// <summary>
/// How `course batch` goes on in a fresh process once it holds a compile that ignored its time limit
/// (<see cref="Grader.Pipeline.Deadline.Abandoned"/>): .NET cannot stop a thread, so the batch replaces its own process
/// image (same pid, standard streams and process group), which ends every thread, and the new image grades the rest,
/// told by <see cref="AfterRowOption"/> which rows are this batch's. Only the real process can do that: where the app
/// runs inside another process (tests) there is no restart, and the batch keeps such threads to its end, as it does on
/// Windows.
/// </summary>
internal sealed class BatchRestart
{
    public const string AfterRowOption = "--continues-after-row";
    public const string UnpostedOption = "--unposted";

    readonly IReadOnlyList<string>? arguments;

    BatchRestart(IReadOnlyList<string>? arguments) => this.arguments = arguments;

    /// <summary>The process's own command line, after the program: what the fresh image is started with.</summary>
    public static BatchRestart OfThisProcess(IReadOnlyList<string> arguments) => new(arguments);

    public static BatchRestart None { get; } = new(null);

    public bool Possible => arguments is not null && (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS());

    /// <summary>This process's arguments with <paramref name="continuation"/>'s in place of any earlier continuation's.</summary>
    public IReadOnlyList<string> ArgumentsFor(BatchContinuation continuation)
    {
        var given = arguments ?? throw new InvalidOperationException("this app cannot restart its process");
        var kept = new List<string>();
        for (var i = 0; i < given.Count; i++)
        {
            if (given[i] is AfterRowOption or UnpostedOption) i++; // and its value
            else if (!given[i].StartsWith(AfterRowOption + "=", StringComparison.Ordinal) && !given[i].StartsWith(UnpostedOption + "=", StringComparison.Ordinal))
                kept.Add(given[i]);
        }
        kept.Add($"{AfterRowOption}={continuation.AfterRow}");
        kept.AddRange(continuation.Unposted.Order(StringComparer.Ordinal).Select(student => $"{UnpostedOption}={student}"));
        return kept;
    }

    /// <summary>Replaces this process's image with a new start of it; returns only if that failed, saying why.</summary>
    public string Exec(BatchContinuation continuation)
    {
        var arguments = ArgumentsFor(continuation);
        Console.Out.Flush();
        Console.Error.Flush();
        return "could not restart " + ProcessImage.Replace(typeof(BatchRestart).Assembly, arguments);
    }
}
