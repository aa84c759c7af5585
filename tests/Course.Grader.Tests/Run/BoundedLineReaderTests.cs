using System.Text;
using Course.Grader.Run;

namespace Course.Grader.Tests.Run;

public class BoundedLineReaderTests
{
    [Test]
    public async Task Given_a_line_longer_than_the_cap_Then_it_is_dropped_and_the_lines_around_it_are_kept()
    {
        var text = "first\r\n" + new string('x', 200_000) + "\nlast";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));

        var lines = new List<string>();
        await foreach (var line in BoundedLineReader.ReadLinesAsync(stream, maxLineChars: 1000)) lines.Add(line);

        Assert.That(lines, Is.EqualTo(new[] { "first", "last" }));
    }
}
