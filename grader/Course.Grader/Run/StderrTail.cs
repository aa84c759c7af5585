using Course.Grader.Report;

namespace Course.Grader.Run;

/// <summary>
/// The first and last lines of the worker's stderr, for the grading log (the head says what went
/// wrong, the tail what happened last), whether the runtime reported a stack overflow there, and the
/// libtorch error that ended the process, if one did (read from every line, not only the kept ones).
/// </summary>
sealed class StderrTail
{
    /// <summary>Longer lines are dropped as they are read (see <see cref="BoundedLineReader"/>).</summary>
    public const int MaxLineChars = 64 * 1024;
    const int HeadLines = 12, TailLines = 12, MaxKeptLineChars = 400;
    readonly List<string> head = [];
    readonly Queue<string> tail = new();
    readonly Lock gate = new();
    int dropped;
    readonly NativeError.Scanner native = new();
    volatile bool stackOverflow;

    public bool StackOverflow => stackOverflow;

    /// <summary>The libtorch error (a C++ exception nothing caught) the process wrote before it died, if any.</summary>
    public NativeError? NativeError
    {
        get
        {
            lock (gate) return native.Error;
        }
    }

    /// <summary>What the runtime said before the first stack frame, on one line, e.g. "Process terminated. gave up".</summary>
    public string Summary
    {
        get
        {
            lock (gate)
            {
                var said = string.Join(' ', head.TakeWhile(line => !line.TrimStart().StartsWith("at ", StringComparison.Ordinal)).Select(line => line.Trim()));
                return said.Length > MaxKeptLineChars ? TextCut.Prefix(said, MaxKeptLineChars) + "…" : said;
            }
        }
    }

    public string Text
    {
        get
        {
            lock (gate)
            {
                var gap = dropped > 0 ? [$"… [{dropped} lines]"] : Array.Empty<string>();
                return string.Join('\n', head.Concat(gap).Concat(tail));
            }
        }
    }

    /// <summary>Takes in one line of stderr.</summary>
    public void Observe(string line)
    {
        if (line.StartsWith("Stack overflow.", StringComparison.Ordinal)) stackOverflow = true;
        var kept = line.Length > MaxKeptLineChars ? TextCut.Prefix(line, MaxKeptLineChars) + "…" : line;
        lock (gate)
        {
            native.Observe(kept);
            if (head.Count < HeadLines)
            {
                head.Add(kept);
                return;
            }
            tail.Enqueue(kept);
            if (tail.Count > TailLines)
            {
                tail.Dequeue();
                dropped++;
            }
        }
    }
}
