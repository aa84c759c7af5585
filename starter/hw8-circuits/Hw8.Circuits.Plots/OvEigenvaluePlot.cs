using Course.Lens;
using ScottPlot;
using static TorchSharp.torch;

namespace Hw8.Circuits.Plots;

/// <summary>
/// ov-eigenvalues.png: the eigenvalues of YOUR <see cref="Circuits.FullOV"/> W_E W_V W_O W_U of every head (YOUR
/// <see cref="FactoredMatrix.Eigenvalues"/>) in the complex plane, one colour per head, with YOUR
/// <see cref="CopyingScore.Of"/> in the legend. A copying head (an induction head's OV) has its eigenvalues on the
/// positive real axis and a score near 1.
/// </summary>
static class OvEigenvaluePlot
{
    public static void Draw(HookedAttnOnlyTransformer model, string path)
    {
        var plot = new Plot();
        plot.Add.HorizontalLine(0, 1, Colors.Gray, LinePattern.Dotted);
        plot.Add.VerticalLine(0, 1, Colors.Gray, LinePattern.Dotted);
        var config = model.Config;
        for (int layer = 0; layer < config.n_layers; layer++)
        {
            for (int head = 0; head < config.n_heads; head++)
            {
                var fullOv = Circuits.FullOV(model, layer, head);
                var eigenvalues = fullOv.Eigenvalues(); // [k], complex
                var points = plot.Add.ScatterPoints(Doubles(eigenvalues.real), Doubles(eigenvalues.imag));
                points.MarkerSize = 9;
                points.MarkerShape = layer == 0 ? MarkerShape.FilledCircle : MarkerShape.FilledTriangleUp;
                points.LegendText = $"L{layer}H{head}: copying score {CopyingScore.Of(fullOv):F2}";
            }
        }
        plot.ShowLegend(Edge.Right);
        plot.Legend.FontSize = 13;
        plot.Title("Eigenvalues of each head's full OV circuit W_E W_V W_O W_U", 15);
        plot.XLabel("real part");
        plot.YLabel("imaginary part");
        plot.SavePng(path, 1100, 650);
    }

    static double[] Doubles(Tensor values) => values.detach().to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
}
