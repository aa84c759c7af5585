using System.Globalization;
using Course.Grader.Batch;
using ScottPlot;

namespace Course.Gradebook.Export;

/// <summary>How many students fall in each score band: [0,10), [10,20), …, [90,100] percent (full marks go in the last).</summary>
public sealed record ScoreBins(IReadOnlyList<double> Starts, IReadOnlyList<int> Counts, double Width)
{
    public static ScoreBins Of(IEnumerable<double> percents, int bins = 10)
    {
        var width = 100.0 / bins;
        var counts = new int[bins];
        foreach (var percent in percents)
            counts[Math.Clamp((int)Math.Floor(percent / width), 0, bins - 1)]++;
        return new ScoreBins([.. Enumerable.Range(0, bins).Select(i => i * width)], counts, width);
    }
}

/// <summary>A PNG bar chart of the class's scores in percent, with ScottPlot.</summary>
public static class ScoreHistogram
{
    public const int Width = 800;
    public const int Height = 500;

    public static void WritePng(string path, GradebookSummary summary, IReadOnlyList<GradebookEntry> latest)
    {
        var bins = ScoreBins.Of(latest.Where(e => e.IsGrade).Select(e => e.Percent));
        var plot = new Plot();
        var bars = plot.Add.Bars(
            [.. bins.Starts.Select(s => s + bins.Width / 2)],
            [.. bins.Counts.Select(c => (double)c)]);
        foreach (var bar in bars.Bars) bar.Size = bins.Width * 0.9;
        plot.Title(string.Create(CultureInfo.InvariantCulture,
            $"{summary.Assignment}: {summary.Graded} graded, mean {summary.Mean:0.0}%, median {summary.Median:0.0}%"));
        plot.XLabel("score (%)");
        plot.YLabel("students");
        plot.Axes.SetLimits(0, 100, 0, Math.Max(1, bins.Counts.Max()) * 1.15);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(10);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1) { };
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        plot.SavePng(path, Width, Height);
    }
}
