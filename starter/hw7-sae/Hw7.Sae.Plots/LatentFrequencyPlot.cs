using ScottPlot;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw7.Sae.Plots;

/// <summary>
/// latent-frequencies.png: YOUR <see cref="SaeTraining.Train"/> of an SAE on planted data (32 directions in 16
/// dimensions, each present in 5% of inputs), then the histogram of log10 of how often each latent fires on fresh
/// inputs (YOUR <see cref="DeadLatents"/> and <see cref="SaeMetrics.Frequencies"/>): the "feature density" plot of
/// Anthropic's and SAELens's dashboards. A latent that learned a planted direction fires about as often as that
/// direction is present (the dashed line); dead latents never fire and get their own bar on the left; a bump far to the
/// right would be dense latents that fire on nearly everything. Left: a ReLU SAE with the L1 penalty and resampling;
/// right: a TopK SAE (k = 3, no penalty).
/// </summary>
public static class LatentFrequencyPlot
{
    const long DIn = 16, NPlanted = 32, DSae = 96;
    const double ActiveProbability = 0.05, Lambda = 0.3;
    const double LowestLog10 = -4, BinWidth = 0.2;

    public static void Draw(string path)
    {
        var data = new PlantedFeatures(DIn, NPlanted, ActiveProbability, seed: 1);
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        int[] resampleAt = [500, 1000, 1500];
        for (int i = 0; i < 2; i++)
        {
            using var scope = NewDisposeScope();
            int? k = i == 0 ? null : 3;
            var sae = new SparseAutoencoder(DIn, DSae, seed: 2, k: k);
            using var generator = new Generator(3, CPU);
            var history = SaeTraining.Train(sae, n => data.Sample(n, generator),
                new SaeTrainingOptions(k is null ? Lambda : 0, Steps: 3000, BatchSize: 256, LearningRate: 3e-3, ResampleAt: resampleAt), generator);
            var revived = history.Resampled.Sum(r => r.Count);
            Panel(multiplot.GetPlot(i), sae, data, generator,
                (k is null ? $"ReLU SAE, λ = {Lambda}" : $"TopK SAE, k = {k}") + $", {revived} latents resampled at steps {string.Join(", ", resampleAt)}");
        }
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        multiplot.SavePng(path, 1400, 550);
    }

    static void Panel(Plot plot, SparseAutoencoder sae, PlantedFeatures data, Generator generator, string title)
    {
        using var noGrad = no_grad();
        var window = new DeadLatents(DSae);
        var fve = new List<double>();
        for (int b = 0; b < 40; b++)
        {
            var x = data.Sample(500, generator); // [batch, d_in]
            var z = sae.Encode(x); // [batch, d_sae]
            window.Record(z);
            fve.Add(SaeMetrics.FractionOfVarianceExplained(x, sae.Decode(z)));
        }
        var frequencies = SaeMetrics.Frequencies(window.Counts, window.Inputs).data<double>().ToArray();
        var recovered = PlantedFeatures.FractionRecovered(PlantedFeatures.MaxCosines(data.Directions, sae.W_dec.detach()), 0.9);

        int bins = (int)Math.Round(-LowestLog10 / BinWidth);
        var heights = new double[bins + 1];
        var dead = 0;
        foreach (var f in frequencies)
        {
            if (f == 0) { dead++; continue; }
            var bin = (int)Math.Floor((Math.Log10(f) - LowestLog10) / BinWidth);
            heights[Math.Clamp(bin, 0, bins)]++;
        }
        var bars = new List<Bar>();
        for (int b = 0; b <= bins; b++)
            bars.Add(new Bar { Position = LowestLog10 + (b + 0.5) * BinWidth, Value = heights[b], Size = BinWidth * 0.95, FillColor = Colors.SteelBlue, LineWidth = 0 });
        bars.Add(new Bar { Position = LowestLog10 - 0.5, Value = dead, Size = BinWidth * 0.95, FillColor = Colors.Gray, LineWidth = 0, Label = "dead" });
        plot.Add.Bars(bars);
        var line = plot.Add.VerticalLine(Math.Log10(ActiveProbability), 2, Colors.DarkOrange);
        line.LinePattern = LinePattern.Dashed;
        line.LegendText = $"how often a planted direction is present ({ActiveProbability})";
        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.SetLimits(LowestLog10 - 1, 0.3, 0, 1.15 * Math.Max(dead, heights.Max())); // room above the bars for the label
        plot.Title($"{title}\nL0 {window.Counts.sum().item<long>() / (double)window.Inputs:F2}, variance explained {fve.Average():F3}, " +
                   $"dead {SaeMetrics.FractionDead(window.Counts):P0}, planted directions recovered {recovered:P0}", 12);
        plot.XLabel("log10 of the fraction of inputs a latent fires on (gray: never)");
        plot.YLabel($"latents (of {DSae})");
    }
}
