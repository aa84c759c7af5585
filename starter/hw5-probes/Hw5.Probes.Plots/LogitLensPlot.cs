using Course.Lens;
using ScottPlot;
using static TorchSharp.torch;

namespace Hw5.Probes.Plots;

/// <summary>
/// logit_lens.png: YOUR <see cref="LogitLens.Evaluate"/> on a few lines of hw4's grammar, the residual stream after each
/// layer read out as if it were the last: next-character loss (left) and accuracy (right) per layer.
/// </summary>
static class LogitLensPlot
{
    /// <summary>Sentences of the grammar the tiny GPT was trained on, cut into rows of equal length.</summary>
    const string Text =
        "the dog runs . some cats that chase a bird sleep . every teacher that the children like waits . " +
        "these foxes see the dog . a child that follows the cats sings . many birds that the fox chases run . " +
        "this cat likes some teachers . the children wait . a fox that sees these dogs sleeps . " +
        "the teachers that the bird follows sing . every dog chases the foxes . ";

    public static void Draw(HookedTransformer model, CharVocabulary vocabulary, string path)
    {
        int width = (int)Math.Min(64, model.Config.n_ctx);
        var rows = Enumerable.Range(0, Text.Length / width).Select(r => Text.Substring(r * width, width)).ToList();
        var tokens = tensor(rows.SelectMany(vocabulary.Encode).ToArray()).reshape(rows.Count, width); // [row, pos]

        var layers = LogitLens.Evaluate(model, tokens); // one per accumulated residual stream: 0_pre, 1_pre, final_post

        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        Panel(multiplot.GetPlot(0), layers, [.. layers.Select(l => l.Loss)], "next-character loss (nats)", $"loss, {rows.Count} rows of {width} characters");
        Panel(multiplot.GetPlot(1), layers, [.. layers.Select(l => l.Accuracy)], "next-character accuracy", "accuracy");
        multiplot.GetPlot(1).Axes.SetLimitsY(0, 1.05);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        multiplot.SavePng(path, 1000, 450);
    }

    static void Panel(Plot plot, IReadOnlyList<LensLayer> layers, double[] values, string yLabel, string what)
    {
        double[] xs = [.. Enumerable.Range(0, layers.Count).Select(i => (double)i)];
        var line = plot.Add.Scatter(xs, values);
        line.LineWidth = 2;
        line.MarkerSize = 9;
        plot.Axes.Bottom.SetTicks(xs, [.. layers.Select(l => l.Label)]);
        plot.Axes.SetLimitsX(-0.3, layers.Count - 0.7);
        plot.Title($"Logit lens: {what}", 15);
        plot.XLabel("residual stream decoded with ln_final and W_U");
        plot.YLabel(yLabel);
    }
}
