namespace Course.Grader.Run;

/// <summary>
/// The first and last lines of the worker's stderr, for the grading log (the head says what went
/// wrong, the tail what happened last), and whether the runtime reported a stack overflow there.
/// </summary>
sealed class StderrTail
{
    const int HeadLines = 12, TailLines = 12, MaxLineChars = 64 * 1024, MaxKeptLineChars = 400;
    readonly List<string> head = [];
    readonly Queue<string> tail = new();
    readonly Lock gate = new();
    int dropped;
    volatile bool stackOverflow;

    public bool StackOverflow => stackOverflow;

    /// <summary>What the runtime said before the first stack frame, on one line, e.g. "Process terminated. gave up".</summary>
    public string Summary
    {
        get
        {
            lock (gate)
            {
                var said = string.Join(' ', head.TakeWhile(line => !line.TrimStart().StartsWith("at ", StringComparison.Ordinal)).Select(line => line.Trim()));
                return said.Length > MaxKeptLineChars ? said[..MaxKeptLineChars] + "…" : said;
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

    public async Task ReadAsync(Stream stderr)
    {
        await foreach (var line in BoundedLineReader.ReadLinesAsync(stderr, MaxLineChars))
        {
            if (line.StartsWith("Stack overflow.", StringComparison.Ordinal)) stackOverflow = true;
            var kept = line.Length > MaxKeptLineChars ? line[..MaxKeptLineChars] + "…" : line;
            lock (gate)
            {
                if (head.Count < HeadLines)
                {
                    head.Add(kept);
                    continue;
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
}
