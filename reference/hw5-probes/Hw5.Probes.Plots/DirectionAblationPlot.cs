using Course.Lens;
using ScottPlot;
using static TorchSharp.torch;

namespace Hw5.Probes.Plots;

/// <summary>
/// direction_ablation.png: agreement accuracy on the test prompts (YOUR <see cref="DirectionAblation.Accuracy"/>) as the
/// model is, with YOUR difference-of-means number direction (fitted at <c>1_mid</c> on the training prompts) projected
/// out of <c>blocks.1.hook_resid_mid</c>, and with a random direction projected out there instead.
/// </summary>
static class DirectionAblationPlot
{
    const string HookName = "blocks.1.hook_resid_mid";

    public static void Draw(HookedTransformer model, CharVocabulary vocabulary, ProbeData data, string path)
    {
        int mid = data.Labels.ToList().IndexOf("1_mid");
        var number = DiffMeansProbe.Fit(data.TrainX[mid], data.TrainY).Direction.to(ScalarType.Float32); // [d_model]
        using var generator = new Generator(601, CPU);
        var random = randn([model.Config.d_model], generator: generator); // [d_model]

        var (clean, withoutNumber) = DirectionAblation.Accuracy(model, data.TestBatch, vocabulary, HookName, number);
        var (_, withoutRandom) = DirectionAblation.Accuracy(model, data.TestBatch, vocabulary, HookName, random);

        var plot = new Plot();
        double[] values = [clean, withoutNumber, withoutRandom];
        var bars = plot.Add.Bars(values);
        Color[] colors = [Colors.SteelBlue, Colors.IndianRed, Colors.Gray];
        for (int i = 0; i < bars.Bars.Count; i++)
        {
            bars.Bars[i].FillColor = colors[i];
            bars.Bars[i].Label = values[i].ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
        }
        plot.Add.HorizontalLine(0.5, 1, Colors.Black, LinePattern.Dotted);
        plot.Axes.Bottom.SetTicks([0, 1, 2], ["clean", "number direction removed", "random direction removed"]);
        plot.Axes.SetLimitsY(0, 1.1);
        plot.Title($"Agreement accuracy, direction projected out at {HookName}", 14);
        plot.XLabel($"{data.TestY.shape[0]} test prompts; dotted line: chance");
        plot.YLabel("agreement accuracy");
        plot.SavePng(path, 700, 450);
    }
}
