using ScottPlot;
using static TorchSharp.torch;

namespace Hw7.Sae.Plots;

/// <summary>
/// feature_dimensionality.png: the plot the paper is known for. For a toy model trained at many sparsities, YOUR
/// <see cref="Superposition.Dimensionality"/> D_i of every feature (one point each) against <c>1 / (1 − S)</c>, the
/// average number of rows per nonzero value of a feature, on a log axis; the line is the whole model's dimensions per
/// feature, <c>d_hidden / ‖W‖_F²</c>. As sparsity grows the features leave D = 1 (a dimension each) and gather at a few
/// "sticky" fractions: 1/2 (antipodal pairs), 2/5 (pentagons), 1/3 (triangles), with features at 0 not represented.
/// At S = 0 with equal importance, every d_hidden-dimensional subspace loses as much as any other, so dense features need
/// not line up with the axes: their D_i spread between 0 and 1 while the line sits at 1.
/// </summary>
static class DimensionalityPlot
{
    /// <summary>
    /// <paramref name="count"/> sparsities whose <c>1 / (1 − S)</c> run from 1 to <paramref name="maxRatio"/> in equal
    /// steps on a log scale.
    /// </summary>
    public static double[] Sparsities(int count, double maxRatio) =>
        [.. Enumerable.Range(0, count).Select(k => 1 - Math.Pow(maxRatio, -(double)k / (count - 1)))];

    static readonly (double Value, string Label)[] Sticky = [(1, "1"), (0.5, "1/2"), (0.4, "2/5"), (1.0 / 3, "1/3")];

    public static void Draw(ToyRun run, string path)
    {
        var dimensionality = Superposition.Dimensionality(run.W).to(ScalarType.Float64); // [n_inst, n_features]
        var frobenius = run.W.pow(2).sum([1, 2]).to(ScalarType.Float64); // [n_inst]: ‖W‖_F²
        var plot = new Plot();
        int instances = run.Sparsities.Count;
        var xs = new List<double>();
        var ys = new List<double>();
        var jitter = new Random(0);
        var lineXs = new double[instances];
        var lineYs = new double[instances];
        for (int i = 0; i < instances; i++)
        {
            double x = Math.Log10(1 / (1 - run.Sparsities[i]));
            foreach (var d in dimensionality[i].data<double>().ToArray())
            {
                xs.Add(x + (jitter.NextDouble() - 0.5) * 0.03);
                ys.Add(d);
            }
            lineXs[i] = x;
            lineYs[i] = run.DHidden / frobenius[i].item<double>();
        }
        foreach (var (value, label) in Sticky)
        {
            plot.Add.HorizontalLine(value, 1, Colors.Gray, LinePattern.Dotted);
            var text = plot.Add.Text(label, lineXs[^1] / 2, value);
            text.LabelFontSize = 13;
            text.LabelFontColor = Colors.DimGray;
            text.LabelAlignment = Alignment.LowerCenter;
        }
        var points = plot.Add.ScatterPoints(xs.ToArray(), ys.ToArray(), Colors.SteelBlue.WithAlpha(0.5));
        points.MarkerSize = 6;
        points.LegendText = "D_i of each feature (yours)";
        var curve = plot.Add.Scatter(lineXs, lineYs, Colors.Black);
        curve.LineWidth = 2;
        curve.MarkerSize = 0;
        curve.LegendText = "d_hidden / ‖W‖_F²: dimensions per feature";
        double[] ticks = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
        var shown = ticks.Where(t => Math.Log10(t) <= lineXs[^1] + 0.01).ToArray();
        plot.Axes.Bottom.SetTicks([.. shown.Select(Math.Log10)], [.. shown.Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        plot.Axes.SetLimits(-0.05, lineXs[^1] + 0.05, -0.03, 1.1);
        plot.ShowLegend(Alignment.UpperRight);
        plot.Legend.FontSize = 13;
        plot.Title($"Feature dimensionality across sparsity: {run.Describe()}", 15);
        plot.XLabel("1 / (1 - S), log scale: rows per nonzero value of a feature");
        plot.YLabel("dimensions per feature");
        plot.SavePng(path, 1000, 600);
    }
}
