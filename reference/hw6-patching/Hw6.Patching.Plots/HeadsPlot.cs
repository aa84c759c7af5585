using ScottPlot;

namespace Hw6.Patching.Plots;

/// <summary>
/// heads_short.png / heads_long.png: YOUR <see cref="HeadPatching.Outputs"/>, the metric after patching one head's clean
/// output (<c>hook_z</c>, every position) into the corrupted run: which heads carry the subject's number.
/// </summary>
static class HeadsPlot
{
    public static void Draw(PairData data, string path)
    {
        var values = Heatmaps.ToArray(data.HeadOutputs); // [n_layers, n_heads]
        int layers = values.GetLength(0), heads = values.GetLength(1);

        var plot = new Plot();
        Heatmaps.Draw(plot, values, Heatmaps.Range(values, 1), Heatmaps.MetricLabel,
            fontSize: 14, cellPrefix: (l, h) => $"L{l}H{h}");
        Heatmaps.RowTicks(plot, [.. Enumerable.Range(0, layers).Select(l => $"layer {l}")]);
        Heatmaps.ColumnTicks(plot, [.. Enumerable.Range(0, heads).Select(h => $"head {h}")]);
        plot.Title($"Head output patching (hook_z, all positions), {data.Describe()}", 15);
        plot.XLabel("head");
        plot.YLabel("layer");
        plot.SavePng(path, 800, 450);
    }
}
