using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw2.Backprop.Tests;

public sealed class GradientCheckTests : TorchTest
{
    /// <summary>f(x) = Σ (x³ + sin x), with ∇f(x) = 3x² + cos x.</summary>
    static double Cubic(Tensor x) => (x.pow(3) + x.sin()).sum().ToDouble();

    static Tensor CubicGradient(Tensor x) => 3 * x.square() + x.cos();

    /// <summary>h = 0.1, 0.05, ..., 0.1 / 2^7: small enough for the h² term to dominate, large enough to stay far above rounding.</summary>
    internal static double[] Steps => [.. Enumerable.Range(0, 8).Select(k => 0.1 / (1 << k))];

    /// <summary>The slope a right gradient must give; the second-order term makes it exactly 2 in the limit.</summary>
    internal const double SlopeLow = 1.8, SlopeHigh = 2.2;

    [Test, Points(3)]
    public void TaylorRemainders_AreTheAbsoluteValueOfFOfXPlusHVMinusFOfXMinusHGDotV()
    {
        using var seeded = new Seeded(700);
        var x = seeded.Randn([3, 4], ScalarType.Float64);
        var v = seeded.Randn([3, 4], ScalarType.Float64);
        double[] steps = [0.5, 0.1, 0.01];

        foreach (var (gradient, what) in new[] { (CubicGradient(x), "the true gradient"), (seeded.Randn([3, 4], ScalarType.Float64), "a random gradient") })
        {
            double gv = (gradient * v).sum().ToDouble();
            var expected = steps.Select(h => Math.Abs(Cubic(x + h * v) - Cubic(x) - h * gv)).ToArray();

            var actual = GradientCheck.TaylorRemainders(Cubic, x, gradient, v, [.. steps]);

            Assert.That(actual, Has.Length.EqualTo(steps.Length), "one remainder per step size");
            for (int i = 0; i < steps.Length; i++)
                Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-9 * expected[i] + 1e-12),
                    $"remainder for h = {steps[i]} with {what}: expected |f(x + h v) - f(x) - h (g · v)| where g · v = sum(gradient * direction) = {gv:G6}");
        }
    }

    [Test, Points(2)]
    public void LogLogSlope_OfAPowerLaw_IsItsExponent()
    {
        double[] steps = [1, 0.5, 0.2, 0.1, 0.03];
        var remainders = steps.Select(h => 3 * Math.Pow(h, 2.5)).ToArray();

        Assert.That(GradientCheck.LogLogSlope(steps, remainders), Is.EqualTo(2.5).Within(1e-9),
            "LogLogSlope of r = 3 h^2.5: the least-squares slope of log r against log h");
    }

    [Test, Points(3)]
    public void TaylorRemainders_ShrinkLikeHSquared_ForTheTrueGradient_AndLikeH_ForAWrongOne()
    {
        using var seeded = new Seeded(701);
        var x = seeded.Randn([10], ScalarType.Float64);
        var v = seeded.Randn([10], ScalarType.Float64);
        var gradient = CubicGradient(x);
        var wrong = gradient + seeded.Randn([10], ScalarType.Float64);
        var smallSteps = Steps.Select(h => h / 10).ToArray(); // where the O(h) error of the wrong gradient dominates

        // Observed with the reference: 1.991 and 1.014.
        double right = GradientCheck.LogLogSlope(Steps, GradientCheck.TaylorRemainders(Cubic, x, gradient, v, Steps));
        double wrongSlope = GradientCheck.LogLogSlope(smallSteps, GradientCheck.TaylorRemainders(Cubic, x, wrong, v, smallSteps));

        Assert.That(right, Is.InRange(SlopeLow, SlopeHigh), "log-log slope of the Taylor remainders for the true gradient of Σ (x³ + sin x)");
        Assert.That(wrongSlope, Is.InRange(0.8, 1.2), "log-log slope of the Taylor remainders for a wrong gradient (the true one plus standard normal noise)");
    }
}
