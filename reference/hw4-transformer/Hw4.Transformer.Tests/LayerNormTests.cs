using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.Tests;

public sealed class LayerNormTests : TorchTest
{
    [Test, Points(2)]
    public void Forward_WithUnitScaleAndZeroShift_GivesMeanZeroAndVarianceOne()
    {
        using var seeded = new Seeded(100);
        var layerNorm = new LayerNorm(d_model: 10, eps: 1e-5);
        using (no_grad()) { layerNorm.w.fill_(1); layerNorm.b.zero_(); } // the test's own w = 1 and b = 0, whatever the constructor made
        layerNorm.to(ScalarType.Float64).to(Device);
        var x = seeded.Randn([3, 4, 10], ScalarType.Float64) * 5 + 2;

        var output = layerNorm.call(x);

        TensorAssert.Shape(output, [3, 4, 10], "LayerNorm output [batch, pos, d_model]");
        // eps = 1e-5 against a variance near 25 moves the variance of the output by about 4e-7.
        var loose = new Tolerance(0, 1e-5);
        TensorAssert.Close(output.mean([-1]), zeros(3, 4, ScalarType.Float64, Device), loose,
            "mean of each output vector over d_model (w = 1, b = 0): subtract the mean over the last dimension");
        TensorAssert.Close(output.pow(2).mean([-1]), ones(3, 4, ScalarType.Float64, Device), loose,
            "biased variance (mean of squares) of each output vector (w = 1, b = 0): divide by the standard deviation over the last dimension");
    }

    [Test, Points(3)]
    public void Forward_MatchesTheReference_WithTheSameScaleAndShift()
    {
        using var seeded = new Seeded(101);
        using var golden = Golden.Open("layernorm_forward");
        var layerNorm = new LayerNorm(d_model: 8, eps: 1e-5);
        golden.LoadParameters(layerNorm, seeded, scale: 0.3);
        var x = golden.Input("x", () => seeded.RandnCpu([2, 5, 8]) * 3 + 1);

        golden.AssertClose("out", layerNorm.call(x), "LayerNorm.call(x) [2, 5, 8]: (x - mean) / sqrt(biased var + eps) * w + b over d_model");
    }

    [Test, Points(3)]
    public void Forward_PutsEpsInsideTheSquareRoot_AndUsesTheBiasedVariance()
    {
        // A large eps on inputs of tiny variance (std 0.05, so var ~ 0.0025 against eps = 0.1) makes the placement of eps
        // matter. Verified against the reference: (x - mean) / (sqrt(var) + eps) is off by a factor of about 2, and the
        // unbiased variance (divide by d_model - 1 = 5) is off by about 0.2%, far beyond the float64 tolerance; both fail.
        const int rows = 4, d_model = 6;
        const double eps = 0.1;
        using var seeded = new Seeded(102);
        var x = seeded.RandnCpu([rows, d_model], ScalarType.Float64) * 0.05 + 0.3;
        var values = x.data<double>().ToArray();
        var expected = new double[rows * d_model];
        for (int r = 0; r < rows; r++)
        {
            var row = values.AsSpan(r * d_model, d_model);
            double mean = 0, variance = 0;
            foreach (var v in row) mean += v / d_model;
            foreach (var v in row) variance += (v - mean) * (v - mean) / d_model;
            for (int i = 0; i < d_model; i++) expected[r * d_model + i] = (row[i] - mean) / Math.Sqrt(variance + eps);
        }
        var layerNorm = new LayerNorm(d_model, eps);
        using (no_grad()) { layerNorm.w.fill_(1); layerNorm.b.zero_(); } // the test's own w = 1 and b = 0, whatever the constructor made
        layerNorm.to(ScalarType.Float64).to(Device);

        var output = layerNorm.call(x.to(Device));

        TensorAssert.Close(output, tensor(expected, [rows, d_model]).to(Device), name:
            "LayerNorm(d_model 6, eps 0.1) on float64 inputs of std 0.05, with w = 1 and b = 0: (x - mean) / sqrt(var + eps). " +
            "Check that eps is added to the variance inside the square root (not to the standard deviation) and that the " +
            "variance is biased: the mean of the squared deviations, divided by d_model, not d_model - 1");
    }
}
