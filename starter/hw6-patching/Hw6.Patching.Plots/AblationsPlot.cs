using ScottPlot;
using static TorchSharp.torch;

namespace Hw6.Patching.Plots;

/// <summary>
/// ablations.png: YOUR <see cref="Ablations.Zero"/> and <see cref="Ablations.Mean"/> (means from YOUR
/// <see cref="MeanActivations.Over"/> the clean prompts of other pairs of the same kind) on the clean prompts of each
/// kind of pair: the change in the mean agreement logit difference (top) and in the loss (bottom) when one head or one
/// MLP is taken away.
/// </summary>
static class AblationsPlot
{
    static readonly Color ZeroColor = Colors.SteelBlue, MeanColor = Colors.DarkOrange;

    public static void Draw(IReadOnlyList<PairData> kinds, string path)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2 * kinds.Count);
        for (int k = 0; k < kinds.Count; k++)
        {
            var data = kinds[k];
            var zero = Ablations.Zero(data.Model, data.Batch, data.Vocabulary);
            var reference = data.ReferenceTokens(); // [batch, pos]
            var mean = Ablations.Mean(data.Model, data.Batch, data.Vocabulary, MeanActivations.Over(data.Model, reference));
            long layers = zero.HeadLogitDiff.shape[0], heads = zero.HeadLogitDiff.shape[1];
            string[] labels = [.. PairData.HeadLabels(layers, heads), .. Enumerable.Range(0, (int)layers).Select(l => $"MLP{l}")];

            Panel(multiplot.GetPlot(k), labels, Components(zero.HeadLogitDiff, zero.MlpLogitDiff), Components(mean.HeadLogitDiff, mean.MlpLogitDiff),
                $"{data.Describe()}: clean logit difference {zero.CleanLogitDiff:F2}", "change in logit difference (ablated - clean)", Alignment.LowerLeft);
            Panel(multiplot.GetPlot(kinds.Count + k), labels, Components(zero.HeadLoss, zero.MlpLoss), Components(mean.HeadLoss, mean.MlpLoss),
                $"{data.Name} pairs: clean loss {zero.CleanLoss:F3} nats; means over {reference.shape[0]} other prompts",
                "change in loss (ablated - clean)", Alignment.UpperLeft);
        }
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(2, kinds.Count);
        multiplot.SavePng(path, 700 * kinds.Count, 900);
    }

    /// <summary>Each head's value, layer by layer, then each MLP's.</summary>
    static double[] Components(Tensor headValues, Tensor mlpValues) =>
        [.. headValues.to(ScalarType.Float64).cpu().flatten().data<double>(), .. mlpValues.to(ScalarType.Float64).cpu().flatten().data<double>()];

    static void Panel(Plot plot, string[] labels, double[] zero, double[] mean, string title, string yLabel, Alignment legend)
    {
        var bars = new List<Bar>();
        for (int i = 0; i < labels.Length; i++)
        {
            bars.Add(new Bar { Position = i - 0.19, Value = zero[i], Size = 0.36, FillColor = ZeroColor, LineWidth = 0 });
            bars.Add(new Bar { Position = i + 0.19, Value = mean[i], Size = 0.36, FillColor = MeanColor, LineWidth = 0 });
        }
        plot.Add.Bars(bars);
        plot.Add.HorizontalLine(0, 1, Colors.Black);
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "zero ablation", FillColor = ZeroColor });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "mean ablation", FillColor = MeanColor });
        plot.ShowLegend(legend);
        Heatmaps.ColumnTicks(plot, labels, 11);
        plot.Axes.Margins(0.03, 0.1);
        plot.Title(title, 13);
        plot.XLabel("component taken away (hook_z of one head, or hook_mlp_out)");
        plot.YLabel(yLabel);
    }
}
