using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenLayerNormTests : TorchTest
{
    [Test, Points(3)]
    public void Forward_PutsEpsInsideTheSqrt_AndUsesTheBiasedVariance_WithLeadingDimensions_InFloat64()
    {
        // Rows with a variance of about 0.01 to 1e-4 next to eps = 0.1: sqrt(var + eps), sqrt(var) + eps and the unbiased
        // variance (divide by d - 1 = 5) give clearly different answers.
        const int d = 6;
        const double eps = 0.1;
        using var seeded = new Seeded(410);
        var scales = tensor(new[] { 0.1, 0.01, 0.05, 0.1, 0.02, 0.07 }, ScalarType.Float64).reshape(2, 3, 1);
        var x = seeded.RandnCpu([2, 3, d], ScalarType.Float64) * scales + 3.0; // [2, 3, d], a large mean
        var w = seeded.RandnCpu([d], ScalarType.Float64);
        var b = seeded.RandnCpu([d], ScalarType.Float64);
        double[] xs = x.data<double>().ToArray(), ws = w.data<double>().ToArray(), bs = b.data<double>().ToArray();
        var expected = new double[xs.Length];
        for (int row = 0; row < 6; row++)
        {
            double mean = 0, variance = 0;
            for (int i = 0; i < d; i++) mean += xs[row * d + i] / d;
            for (int i = 0; i < d; i++) variance += Math.Pow(xs[row * d + i] - mean, 2) / d;
            for (int i = 0; i < d; i++)
                expected[row * d + i] = (xs[row * d + i] - mean) / Math.Sqrt(variance + eps) * ws[i] + bs[i];
        }
        var layerNorm = new LayerNorm(d, eps);
        layerNorm.to(ScalarType.Float64).to(Device);
        using (no_grad())
        {
            layerNorm.w.copy_(w);
            layerNorm.b.copy_(b);
        }

        var y = layerNorm.call(x.to(Device));

        TensorAssert.Close(y, tensor(expected, [2, 3, d]).to(Device), name:
            "LayerNorm(d_model 6, eps 0.1) on [2, 3, 6] float64 rows of small variance: (x - mean) / sqrt(biased var + eps) * w + b");
    }
}
