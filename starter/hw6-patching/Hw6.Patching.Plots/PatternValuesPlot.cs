using ScottPlot;

namespace Hw6.Patching.Plots;

/// <summary>
/// pattern_vs_values_long.png: YOUR <see cref="HeadPatching.Outputs"/> next to YOUR <see cref="HeadPatching.PatternAndValues"/>:
/// is what a head contributes where it looks (its pattern) or what it reads there (its values)?
/// </summary>
static class PatternValuesPlot
{
    public static void Draw(PairData data, string path)
    {
        var (pattern, values) = HeadPatching.PatternAndValues(data.Model, data.Metric); // [n_layers, n_heads] each
        (string Name, double[,] Values)[] panels =
        [
            ("output (hook_z)", Heatmaps.ToArray(data.HeadOutputs)),
            ("pattern (hook_pattern)", Heatmaps.ToArray(pattern)),
            ("values (hook_v)", Heatmaps.ToArray(values)),
        ];
        double range = panels.Max(p => Heatmaps.Range(p.Values, 1)); // one colour scale for all three

        var multiplot = new Multiplot();
        multiplot.AddPlots(panels.Length);
        for (int i = 0; i < panels.Length; i++)
        {
            var plot = multiplot.GetPlot(i);
            var (name, grid) = panels[i];
            int layers = grid.GetLength(0), heads = grid.GetLength(1);
            Heatmaps.Draw(plot, grid, range, Heatmaps.MetricLabel, fontSize: 13, cellPrefix: (l, h) => $"L{l}H{h}");
            Heatmaps.RowTicks(plot, [.. Enumerable.Range(0, layers).Select(l => $"layer {l}")]);
            Heatmaps.ColumnTicks(plot, [.. Enumerable.Range(0, heads).Select(h => $"head {h}")]);
            plot.Title(i == 0 ? $"{data.Describe()}\npatching each head's {name}" : $"\n... its {name} only", 14);
            plot.XLabel("head");
            plot.YLabel("layer");
        }
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        multiplot.SavePng(path, 1650, 480);
    }
}
