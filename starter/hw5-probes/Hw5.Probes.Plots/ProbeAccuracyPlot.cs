using ScottPlot;

namespace Hw5.Probes.Plots;

/// <summary>
/// probe_accuracy.png: held-out accuracy per layer (YOUR <see cref="Probing.HeldOutAccuracy"/>) of YOUR logistic probe
/// and difference-of-means probe reading the subject's number at the verb, and of the logistic probe on YOUR control
/// task (random labels per noun form): where the number appears, and that the probe is selective.
/// </summary>
static class ProbeAccuracyPlot
{
    public static void Draw(ProbeData data, string path)
    {
        var logistic = Probing.HeldOutAccuracy(data.TrainX, data.TrainY, data.TestX, data.TestY, (x, y) => LogisticProbe.Fit(x, y).Predict);
        var means = Probing.HeldOutAccuracy(data.TrainX, data.TrainY, data.TestX, data.TestY, (x, y) => DiffMeansProbe.Fit(x, y).Predict);
        var (controlTrain, controlTest) = (ControlTask.Labels(data.Train, seed: 3), ControlTask.Labels(data.Test, seed: 3)); // [n] each
        var control = Probing.HeldOutAccuracy(data.TrainX, controlTrain, data.TestX, controlTest, (x, y) => LogisticProbe.Fit(x, y).Predict);

        var plot = new Plot();
        double[] xs = [.. Enumerable.Range(0, data.Labels.Count).Select(i => (double)i)];
        Line(plot, xs, logistic, "logistic probe", Colors.SteelBlue, LinePattern.Solid);
        Line(plot, xs, means, "difference-of-means probe", Colors.DarkOrange, LinePattern.Solid);
        Line(plot, xs, control, "control task (logistic)", Colors.Gray, LinePattern.Dashed);
        var chance = plot.Add.HorizontalLine(0.5, 1, Colors.Black, LinePattern.Dotted);
        chance.LegendText = "chance";
        plot.Axes.Bottom.SetTicks(xs, [.. data.Labels]);
        plot.Axes.SetLimits(-0.3, xs.Length - 0.7, 0.3, 1.05);
        plot.ShowLegend(Alignment.LowerRight);
        plot.Title($"Probing the subject's number at the verb: held-out accuracy ({data.TestY.shape[0]} test prompts)", 15);
        plot.XLabel("residual stream (accumulated_resid, incl_mid)");
        plot.YLabel("held-out accuracy");
        plot.SavePng(path, 900, 550);
    }

    static void Line(Plot plot, double[] xs, IReadOnlyList<double> accuracies, string name, Color color, LinePattern pattern)
    {
        var line = plot.Add.Scatter(xs, [.. accuracies], color);
        line.LegendText = name;
        line.LineWidth = 2;
        line.MarkerSize = 8;
        line.LinePattern = pattern;
    }
}
