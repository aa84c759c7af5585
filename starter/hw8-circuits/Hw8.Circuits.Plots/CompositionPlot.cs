using Course.Lens;
using ScottPlot;
using static TorchSharp.torch;

namespace Hw8.Circuits.Plots;

/// <summary>
/// composition.png: YOUR <see cref="Composition.Scores"/> of every layer-0 head (rows) with every layer-1 head (columns),
/// for Q-, K- and V-composition side by side on one colour scale, against YOUR <see cref="Composition.RandomBaseline"/>:
/// the score two random matrices of the heads' shapes get. An induction head K-composes with the previous-token head
/// far above the baseline; most other pairs sit near it.
/// </summary>
static class CompositionPlot
{
    public static void Draw(HookedAttnOnlyTransformer model, string path)
    {
        var config = model.Config;
        using var generator = new Generator(0, CPU);
        var baseline = Composition.RandomBaseline(config.d_model, config.d_head, samples: 1000, generator);
        CompositionKind[] kinds = [CompositionKind.Q, CompositionKind.K, CompositionKind.V];
        var grids = kinds.Select(kind => Grid.ToArray(Composition.Scores(model, kind))).ToArray(); // each [n_heads (L0), n_heads (L1)]
        var max = Math.Max(2 * baseline, grids.SelectMany(g => g.Cast<double>()).Max());

        var multiplot = new Multiplot();
        multiplot.AddPlots(kinds.Length);
        for (int i = 0; i < kinds.Length; i++)
        {
            var plot = multiplot.GetPlot(i);
            var values = grids[i];
            int n = values.GetLength(0);
            var heatmap = Grid.Draw(plot, values, new ScottPlot.Colormaps.Viridis(), 0, max);
            for (int r = 0; r < n; r++)
            {
                for (int c = 0; c < n; c++)
                {
                    var text = plot.Add.Text(values[r, c].ToString("F2", System.Globalization.CultureInfo.InvariantCulture), c, n - 1 - r);
                    text.LabelAlignment = Alignment.MiddleCenter;
                    text.LabelFontSize = 13;
                    text.LabelFontColor = values[r, c] > 0.6 * max ? Colors.Black : Colors.White;
                }
            }
            Grid.Ticks(plot, n, 1, c => $"L1H{c}", r => $"L0H{r}");
            plot.Title($"{kinds[i]}-composition (random baseline {baseline:F3})", 14);
            plot.XLabel("layer-1 head (reads)");
            if (i == 0) plot.YLabel("layer-0 head (writes)");
            if (i == kinds.Length - 1) plot.Add.ColorBar(heatmap).Label = "composition score";
        }
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        multiplot.SavePng(path, 1500, 480);
    }
}
