using System.Buffers.Binary;
using Course.Gradebook.Export;
using Course.Grader.Tests.Pipeline;

namespace Course.Grader.Tests.Gradebook;

/// <summary>The score histogram: which band each score falls in, and a real PNG of the agreed size.</summary>
public class ScoreHistogramTests
{
    [Test]
    public void Given_edge_scores_When_binned_Then_each_band_holds_its_lower_edge_and_full_marks_go_in_the_last()
    {
        var bins = ScoreBins.Of([0, 9.99, 10, 49.9, 50, 99.9, 100, 100]);

        Assert.That(bins.Counts, Is.EqualTo(new[] { 2, 1, 0, 0, 1, 1, 0, 0, 0, 3 }));
        Assert.That(bins.Starts, Is.EqualTo(new[] { 0.0, 10, 20, 30, 40, 50, 60, 70, 80, 90 }));
    }

    [Test]
    public void Given_a_class_When_the_histogram_is_written_Then_it_is_an_800_by_500_png_with_content()
    {
        using var temp = new TempFolder();
        var path = temp["plots/hw3.png"];
        var latest = GradebookEntries.SmallClass();

        ScoreHistogram.WritePng(path, GradebookSummary.Of(GradebookEntries.Assignment, latest), latest);

        AssertPng(path, ScoreHistogram.Width, ScoreHistogram.Height);
    }

    /// <summary>The PNG signature, an IHDR chunk of the given size, and more than a blank image's few hundred bytes.</summary>
    public static void AssertPng(string path, int width, int height)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.That(bytes[..8], Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }));
        Assert.That(System.Text.Encoding.ASCII.GetString(bytes, 12, 4), Is.EqualTo("IHDR"));
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), Is.EqualTo(width));
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)), Is.EqualTo(height));
        Assert.That(bytes, Has.Length.GreaterThan(5_000), "bars, axes and labels, not an empty canvas");
    }
}
