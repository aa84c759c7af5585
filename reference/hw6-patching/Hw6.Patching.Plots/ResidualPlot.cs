using ScottPlot;

namespace Hw6.Patching.Plots;

/// <summary>
/// residual_short.png / residual_long.png: YOUR <see cref="ResidualPatching.Grid"/>, the normalised metric after patching
/// the clean <c>blocks.{l}.hook_resid_pre</c> at one position into the corrupted run: where, along the layers and the
/// character slots, the subject's number lives.
/// </summary>
static class ResidualPlot
{
    public static void Draw(PairData data, string path)
    {
        var values = Heatmaps.ToArray(data.Residual); // [n_layers, pos]
        int layers = values.GetLength(0);

        var plot = new Plot();
        Heatmaps.Draw(plot, values, Heatmaps.Range(values, 1), Heatmaps.MetricLabel, fontSize: 11);
        Heatmaps.RowTicks(plot, [.. Enumerable.Range(0, layers).Select(l => $"resid_pre {l}")]);
        Heatmaps.ColumnTicks(plot, data.PositionLabels, 14);
        plot.Title($"Residual stream patching, {data.Describe()}\npositions are character slots of equal-length pairs", 15);
        plot.XLabel(data.PositionAxisLabel());
        plot.YLabel("blocks.{l}.hook_resid_pre");
        plot.SavePng(path, Math.Max(900, 38 * values.GetLength(1) + 250), 140 * layers + 200);
    }
}
