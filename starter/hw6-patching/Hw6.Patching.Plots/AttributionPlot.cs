using ScottPlot;
using static TorchSharp.torch;

namespace Hw6.Patching.Plots;

/// <summary>
/// attribution_vs_patching.png: YOUR <see cref="AttributionPatching.ResidualGrid"/> and <see cref="AttributionPatching.HeadGrid"/>
/// (one forward-backward pass) against YOUR real patching grids (<see cref="ResidualPatching.Grid"/>,
/// <see cref="HeadPatching.Outputs"/>: one forward pass per cell), one point per cell, with YOUR
/// <see cref="AttributionPatching.Correlation"/> of each pair of grids.
/// </summary>
static class AttributionPlot
{
    static readonly Color[] KindColors = [Colors.SteelBlue, Colors.IndianRed];

    public static void Draw(IReadOnlyList<PairData> kinds, string path)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        var residual = multiplot.GetPlot(0);
        var heads = multiplot.GetPlot(1);
        var residualR = new List<string>();
        var headR = new List<string>();
        for (int k = 0; k < kinds.Count; k++)
        {
            var data = kinds[k];
            var estimate = AttributionPatching.ResidualGrid(data.Model, data.Metric);
            double r = AttributionPatching.Correlation(estimate, data.Residual);
            residualR.Add($"{data.Name} r = {r:F2}");
            Points(residual, data.Residual, estimate, $"{data.Describe()}: {data.Residual.numel()} cells, r = {r:F3}", KindColors[k % KindColors.Length], null);

            var headEstimate = AttributionPatching.HeadGrid(data.Model, data.Metric);
            double headCorrelation = AttributionPatching.Correlation(headEstimate, data.HeadOutputs);
            headR.Add($"{data.Name} r = {headCorrelation:F2}");
            var names = PairData.HeadLabels(data.HeadOutputs.shape[0], data.HeadOutputs.shape[1]);
            Points(heads, data.HeadOutputs, headEstimate, $"{data.Name} pairs: {data.HeadOutputs.numel()} heads, r = {headCorrelation:F3}", KindColors[k % KindColors.Length], names);
        }
        Finish(residual, $"Residual stream, one cell per (layer, position): {string.Join(", ", residualR)}");
        Finish(heads, $"Head outputs, one cell per head: {string.Join(", ", headR)}");
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        multiplot.SavePng(path, 1400, 650);
    }

    /// <summary>One point per cell; with <paramref name="names"/>, the cells real patching finds large are named.</summary>
    static void Points(Plot plot, Tensor actual, Tensor estimate, string legend, Color color, string[]? names)
    {
        double[] xs = Values(actual), ys = Values(estimate);
        var points = plot.Add.ScatterPoints(xs, ys, color);
        points.MarkerSize = 8;
        points.LegendText = legend;
        if (names is null) return;
        for (int i = 0; i < xs.Length; i++)
        {
            if (Math.Abs(xs[i]) < 0.1 && Math.Abs(ys[i]) < 0.1) continue;
            var text = plot.Add.Text(names[i], xs[i], ys[i]);
            text.LabelFontSize = 12;
            text.LabelFontColor = color;
            text.OffsetX = 6;
            text.LabelAlignment = Alignment.LowerLeft;
        }
    }

    static double[] Values(Tensor grid) => grid.detach().to(ScalarType.Float64).cpu().flatten().data<double>().ToArray();

    static void Finish(Plot plot, string title)
    {
        var limits = plot.Axes.GetLimits();
        double low = Math.Min(Math.Min(limits.Left, limits.Bottom), -0.1), high = Math.Max(Math.Max(limits.Right, limits.Top), 1.1);
        var diagonal = plot.Add.Line(low, low, high, high);
        diagonal.LineColor = Colors.Gray;
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LegendText = "estimate = real";
        plot.Add.HorizontalLine(0, 1, Colors.LightGray);
        plot.Add.VerticalLine(0, 1, Colors.LightGray);
        plot.Axes.SetLimits(low, high, low, high);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Title(title, 13);
        plot.XLabel("activation patching (metric: 0 = corrupted run, 1 = clean run)");
        plot.YLabel("attribution patching estimate");
    }
}
