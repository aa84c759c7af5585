using ScottPlot;

namespace Hw6.Patching.Plots;

/// <summary>
/// heads_by_position_long.png: YOUR <see cref="HeadPatching.OutputsByPosition"/>, one row per head and one column per
/// character slot: at which positions each head's output carries the subject's number.
/// </summary>
static class HeadsByPositionPlot
{
    public static void Draw(PairData data, string path)
    {
        var grid = HeadPatching.OutputsByPosition(data.Model, data.Metric); // [n_layers, n_heads, pos]
        long layers = grid.shape[0], heads = grid.shape[1], pos = grid.shape[2];
        var values = Heatmaps.ToArray(grid.reshape(layers * heads, pos)); // [layer * head, pos]

        var plot = new Plot();
        Heatmaps.Draw(plot, values, Heatmaps.Range(values, 1), Heatmaps.MetricLabel, labelAbove: 0.02, fontSize: 9);
        Heatmaps.RowTicks(plot, PairData.HeadLabels(layers, heads));
        Heatmaps.ColumnTicks(plot, data.PositionLabels, 14);
        // A line between the layers.
        plot.Add.HorizontalLine(layers * heads - heads - 0.5, 1.5f, Colors.Black);
        plot.Title($"Head output patching at one position, {data.Describe()}: positions are character slots", 15);
        plot.XLabel(data.PositionAxisLabel());
        plot.YLabel("head (hook_z[:, p, h])");
        plot.SavePng(path, Math.Max(900, (int)(38 * pos + 250)), (int)(45 * layers * heads + 200));
    }
}
