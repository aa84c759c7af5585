using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw8.Circuits.HiddenTests;

/// <summary>The random baseline is reproducible from its generator, and the composition scores are scale-free.</summary>
[Visibility(Visibility.Hidden)]
public sealed class HiddenCircuitsTests : TorchTest
{
    [Test, Points(2)]
    public void RandomBaseline_IsDrawnOnlyFromItsGenerator_AndIsTheMeanOfSamplesScores_OfProductsThroughD_head()
    {
        double first = Composition.RandomBaseline(8, 2, 20, new Generator(5));
        manual_seed(123); // the global generator must not matter
        double second = Composition.RandomBaseline(8, 2, 20, new Generator(5));

        Assert.That(second, Is.EqualTo(first), "the same generator seed gives the same baseline: draw every random matrix from the given generator");
        // Another seed, other draws: a generator of its own (new Generator(0)) gives the same baseline for every seed.
        Assert.That(Composition.RandomBaseline(8, 2, 20, new Generator(6)), Is.Not.NaN.And.Not.EqualTo(first),
            "RandomBaseline with new Generator(5) and with new Generator(6) gave the same value: draw from the generator you are given, not one of your own");
        var given = new Generator(5);
        Composition.RandomBaseline(8, 2, 20, given);
        var next = randn([4], ScalarType.Float64, generator: given);
        var fresh = randn([4], ScalarType.Float64, generator: new Generator(5));
        Assert.That(next.isclose(fresh).logical_not().sum().item<long>(), Is.GreaterThan(0),
            "draws of 4 where the generator given to RandomBaseline, after it, differs from a fresh one of its seed (none: it was not advanced; every draw must come from it, not from a copy)");
        // The same seed with 1, 2 and 3 samples: three means of different draws, whatever their order, unless the count is ignored.
        var means = new[] { 1, 2, 3 }.Select(samples => Composition.RandomBaseline(8, 2, samples, new Generator(7))).ToArray();
        Assert.That(means.Distinct().Count(), Is.EqualTo(3),
            $"RandomBaseline(8, 2, samples 1, 2 and 3, new Generator(7)) gave {string.Join(", ", means)}: the mean of exactly `samples` scores");
        // With d_model = d_head = 1 every score is |abcd| / (|ab| |cd|) = 1, whatever is drawn: so the mean over 3 samples is 1.
        Assert.That(Composition.RandomBaseline(1, 1, 3, new Generator(0)), Is.EqualTo(1).Within(1e-5),
            "RandomBaseline(d_model 1, d_head 1, 3 samples), where every sample's score is 1: the mean of exactly `samples` scores");
        // With d_head = 1 a score is |cos| of two independent standard normal vectors of d_model = 16 entries, whose mean is
        // Γ(8) / (√π Γ(8.5)) = 7! / (π · 0.5 · 1.5 ⋯ 7.5) = 0.202610 and whose mean square is 1/16, so its standard deviation
        // is 0.146455: 1000 samples lie within 5 standard errors of it (a sampling error, whatever order the draws are made in).
        // Dense 16 × 16 Gaussians, not products through d_head, give ~0.25.
        double mean = 5040 / (Math.PI * Enumerable.Range(0, 8).Aggregate(1.0, (product, k) => product * (k + 0.5)));
        double sd = Math.Sqrt(1.0 / 16 - mean * mean);
        Assert.That(Composition.RandomBaseline(16, 1, 1000, new Generator(6)), Is.EqualTo(mean).Within(5 * sd / Math.Sqrt(1000)),
            $"RandomBaseline(d_model 16, d_head 1, 1000 samples) should be about {mean:F6} (±{sd / Math.Sqrt(1000):F4}): each W_A and W_B is a (16×1)(1×16) product of standard normal factors");
    }

    [Test, Points(2)]
    public void Score_DoesNotChangeWhenEitherMatrixIsScaled()
    {
        using var seeded = new Seeded(11);
        // The factors stay in the test's locals: the expected score is built from them, never read back through a
        // FactoredMatrix (homework code), and every FactoredMatrix gets copies.
        var (a1, b1, a2, b2) = (seeded.Randn([6, 2]), seeded.Randn([2, 6]), seeded.Randn([6, 3]), seeded.Randn([3, 6]));
        var (denseA, denseB) = (a1.to(ScalarType.Float64).matmul(b1.to(ScalarType.Float64)), a2.to(ScalarType.Float64).matmul(b2.to(ScalarType.Float64)));
        double expected = (denseA.matmul(denseB).norm() / (denseA.norm() * denseB.norm())).ToDouble(); // dense float64, before any call

        double score = Composition.Score(new FactoredMatrix(a1.clone(), b1.clone()), new FactoredMatrix(a2.clone(), b2.clone()));
        double scaled = Composition.Score(new FactoredMatrix(a1 * 10, b1.clone()), new FactoredMatrix(a2.clone(), b2 * 0.1));

        Assert.That(scaled, Is.EqualTo(score).Within(Tolerance.For(ScalarType.Float32, DeviceType.CPU).Allowed(score, score)),
            "the score divides ‖W_A W_B‖ by both norms, so scaling W_A or W_B leaves it unchanged");
        Assert.That(score, Is.EqualTo(expected).Within(Tolerance.For(ScalarType.Float32, DeviceType.CPU).Allowed(expected, expected)),
            "Score(W_A, W_B) must be ‖W_A W_B‖_F / (‖W_A‖_F ‖W_B‖_F), computed here from the dense float64 products");
    }
}
