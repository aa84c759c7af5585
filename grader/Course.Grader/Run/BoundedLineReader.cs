using System.Text;

namespace Course.Grader.Run;

/// <summary>
/// Reads lines from a child's output without trusting it: a line longer than the cap (a test that
/// prints megabytes without a newline) is dropped rather than buffered.
/// </summary>
static class BoundedLineReader
{
    public static async IAsyncEnumerable<string> ReadLinesAsync(Stream stream, int maxLineChars)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var buffer = new char[64 * 1024];
        var line = new StringBuilder();
        var overflowing = false;
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != '\n') continue;
                if (!overflowing && line.Length + (i - start) <= maxLineChars)
                    yield return line.Append(buffer, start, i - start).ToString().TrimEnd('\r');
                line.Clear();
                overflowing = false;
                start = i + 1;
            }
            if (overflowing || line.Length + (read - start) > maxLineChars)
            {
                overflowing = true;
                line.Clear();
            }
            else
            {
                line.Append(buffer, start, read - start);
            }
        }
        if (!overflowing && line.Length > 0) yield return line.ToString();
    }
}
