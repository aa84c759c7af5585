using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw2.Backprop.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenGradientCheckTests : TorchTest
{
    [Test, Points(1)]
    public void TaylorRemainders_LeaveXTheGradientAndTheDirectionUnchanged()
    {
        using var seeded = new Seeded(1400);
        // 50 values and steps up to 10, so that x + h v - h v rounds away from x in many places: x must never be moved and moved back.
        var x = seeded.Randn([50], ScalarType.Float64);
        var v = seeded.Randn([50], ScalarType.Float64);
        var g = x * 2; // the gradient of sum(x^2)
        var (xBefore, vBefore, gBefore) = (x.clone(), v.clone(), g.clone());

        // f is quadratic, so f(x + h v) - f(x) - h g · v = h² v · v exactly.
        var vv = v.square().sum().ToDouble();

        var remainders = GradientCheck.TaylorRemainders(t => t.square().sum().ToDouble(), x, g, v, [10, 1, 0.1]);

        TensorAssert.Close(x, xBefore, Tolerance.Exact, "x after TaylorRemainders (evaluate f at x + h v, a new tensor; do not add to x in place and subtract again)");
        TensorAssert.Close(v, vBefore, Tolerance.Exact, "the direction after TaylorRemainders");
        TensorAssert.Close(g, gBefore, Tolerance.Exact, "the gradient after TaylorRemainders (g · v is the sum of g * v, a new tensor, not of g.mul_(v))");
        double[] expected = [100 * vv, vv, 0.01 * vv];
        Assert.That(remainders, Is.EqualTo(expected).Within(0.1).Percent,
            "TaylorRemainders of sum(x²) with its true gradient 2x, for h = 10, 1, 0.1: expected |f(x + h v) - f(x) - h g · v| = h² v · v for each h, in the order of the steps");
    }

    [Test, Points(2)]
    public void LogLogSlope_IsTheLeastSquaresSlope_OfPointsOffALine()
    {
        double[] steps = [0.3, 0.1, 0.05, 0.02, 0.004];
        double[] remainders = [2e-2, 1.5e-3, 6e-4, 5e-5, 3e-6];
        var a = steps.Select(h => Math.Log(h)).ToArray();
        var c = remainders.Select(r => Math.Log(r)).ToArray();
        double meanA = a.Average(), meanC = c.Average();
        double expected = a.Zip(c).Sum(p => (p.First - meanA) * (p.Second - meanC)) / a.Sum(v => (v - meanA) * (v - meanA));

        Assert.That(GradientCheck.LogLogSlope(steps, remainders), Is.EqualTo(expected).Within(1e-9),
            "LogLogSlope of points that are not on one line: the least-squares slope over all of them (not the slope between the end points)");
    }
}
