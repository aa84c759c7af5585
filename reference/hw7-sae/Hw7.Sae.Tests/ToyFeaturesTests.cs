using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw7.Sae.Tests;

/// <summary>
/// The synthetic features are random, so these tests check statistics. Each bound is 5 standard deviations of the
/// statistic under the distribution the handout asks for (plus one count, for the chance that uniform draws are exactly
/// 0): a correct generator fails one with probability below 1e-6, while the mistakes they look for (the sparsity
/// inverted, on the wrong axis, one mask shared across features) move the statistic by tens of standard deviations.
/// </summary>
public sealed class ToyFeaturesTests : TorchTest
{
    /// <summary>The fraction of zeros in <paramref name="x"/>.</summary>
    static double ZeroFraction(Tensor x) => (x == 0).to(ScalarType.Float64).mean().ToDouble();

    /// <summary>Five standard deviations of a fraction with success probability <paramref name="p"/> over <paramref name="n"/> draws, plus one count.</summary>
    static double Bound(double p, long n) => 5 * Math.Sqrt(p * (1 - p) / n) + 1.0 / n;

    [Test, Points(3)]
    public void Generate_ZeroesEachFeatureWithItsInstancesSparsity_AndDrawsTheRestUniformIn0To1()
    {
        double[] sparsity = [0, 0.3, 0.7, 0.99];
        const long batch = 5000, nFeatures = 3;
        using var seeded = new Seeded(700);

        var x = SyntheticFeatures.Generate(batch, tensor(sparsity), nFeatures, seeded.Generator, Device);

        TensorAssert.Shape(x, [batch, 4, nFeatures], "features: [batch, n_inst, n_features]");
        Assert.That(x.dtype, Is.EqualTo(ScalarType.Float32), "features: float32");
        Assert.That(x.device_type, Is.EqualTo(Device.type), "features: on the device asked for");
        for (int i = 0; i < sparsity.Length; i++)
        {
            const long draws = batch * nFeatures;
            var zeros = ZeroFraction(x[.., i]);
            Assert.That(zeros, Is.EqualTo(sparsity[i]).Within(Bound(sparsity[i], draws)),
                $"fraction of zeros in instance {i}, whose sparsity (probability of a zero) is {sparsity[i]}");
        }
        var nonzero = x.masked_select(x != 0).to(ScalarType.Float64); // about 6000 uniform draws
        Assert.That(nonzero.min().ToDouble(), Is.GreaterThanOrEqualTo(0), "smallest nonzero feature: uniform in [0, 1)");
        Assert.That(nonzero.max().ToDouble(), Is.Not.NaN.And.LessThan(1), "largest feature: uniform in [0, 1)");
        var count = nonzero.shape[0];
        // A uniform [0, 1) value has mean 1/2 and variance 1/12.
        Assert.That(nonzero.mean().ToDouble(), Is.EqualTo(0.5).Within(5 * Math.Sqrt(1.0 / 12 / count)),
            $"mean of the {count} nonzero features: uniform in [0, 1) has mean 1/2 (features of constant size would not)");
    }

    [Test, Points(1)]
    public void Generate_AppliesEachInstancesSparsityAlongTheInstanceAxis_EvenWhenNInstEqualsNFeatures()
    {
        // With as many instances as features, a sparsity broadcast against the last axis still has the right shape.
        double[] sparsity = [0.05, 0.35, 0.65, 0.95];
        const long batch = 4000;
        using var seeded = new Seeded(701);

        var x = SyntheticFeatures.Generate(batch, tensor(sparsity), 4, seeded.Generator, Device);

        TensorAssert.Shape(x, [batch, 4, 4], "features: [batch, n_inst, n_features]");
        for (int i = 0; i < 4; i++)
        {
            Assert.That(ZeroFraction(x[.., i]), Is.EqualTo(sparsity[i]).Within(Bound(sparsity[i], batch * 4)),
                $"fraction of zeros in instance {i} (x[:, {i}, :]), whose sparsity is {sparsity[i]}: sparsity[i] belongs to axis 1, the instances");
            Assert.That(ZeroFraction(x[.., .., i]), Is.EqualTo(sparsity.Average()).Within(Bound(sparsity.Average(), batch * 4)),
                $"fraction of zeros in feature {i} (x[:, :, {i}]) over all instances: every feature has each instance's sparsity, so their mean");
        }
    }

    [Test, Points(1)]
    public void Generate_ZeroesEveryFeatureOfEveryInstanceIndependently()
    {
        const double s = 0.5;
        const long batch = 8000;
        using var seeded = new Seeded(702);

        var x = SyntheticFeatures.Generate(batch, full(2, s), 2, seeded.Generator, Device);
        var zero = x == 0; // [batch, n_inst, n_features]

        // Independent zeros: both are zero with probability s² = 1/4; one shared coin would give s = 1/2.
        var bothFeatures = (zero[.., 0, 0] & zero[.., 0, 1]).to(ScalarType.Float64).mean().ToDouble();
        var bothInstances = (zero[.., 0, 0] & zero[.., 1, 0]).to(ScalarType.Float64).mean().ToDouble();
        Assert.That(bothFeatures, Is.EqualTo(s * s).Within(Bound(s * s, batch)),
            "fraction of rows where features 0 and 1 of instance 0 are both zero: each feature draws its own zero, so s² (not s)");
        Assert.That(bothInstances, Is.EqualTo(s * s).Within(Bound(s * s, batch)),
            "fraction of rows where feature 0 is zero in both instances: each instance draws its own zero, so s² (not s)");
        var nonzeroBoth = (x[.., 0, 0] != 0) & (x[.., 0, 1] != 0);
        var equal = (x[.., 0, 0] == x[.., 0, 1]).logical_and(nonzeroBoth).sum().item<long>();
        Assert.That(equal, Is.EqualTo(0), "rows where features 0 and 1 are nonzero and equal: each feature draws its own magnitude");
        var nonzeroInBoth = (x[.., 0, 0] != 0) & (x[.., 1, 0] != 0);
        var shared = (x[.., 0, 0] == x[.., 1, 0]).logical_and(nonzeroInBoth).sum().item<long>();
        Assert.That(shared, Is.EqualTo(0), "rows where feature 0 is nonzero and equal in instances 0 and 1: each instance draws its own magnitudes, not one shared by all instances");
        // And across rows: feature 0 of instance 0 nonzero in rows b and b + 1 (about batch / 4 = 2000 pairs) and equal. A
        // float32 uniform in [0, 1) puts at most 2^-24 on any one value (2^-23 when rescaled in float32 from a uniform in
        // [s, 1), s = 1/2), so independent rows are equal with probability at most 2^-23 per pair: at most 2.4e-4 for the whole
        // check (the same rate as the two counts above). Magnitudes drawn once per instance and broadcast over the batch make
        // every such pair equal.
        var x00 = x[.., 0, 0]; // [batch]
        var nonzeroInNext = (x00[..^1] != 0) & (x00[1..] != 0);
        var repeated = (x00[..^1] == x00[1..]).logical_and(nonzeroInNext).sum().item<long>();
        Assert.That(repeated, Is.EqualTo(0), $"pairs of rows b, b + 1 (of {nonzeroInNext.sum().item<long>()} where feature 0 of instance 0 is nonzero in both) with the same value: " +
            "each row draws its own magnitudes, not one per instance and feature broadcast over the batch");
    }

    [Test, Points(1)]
    public void Generate_DrawsOnlyFromTheGeneratorItIsGiven()
    {
        using var first = new Seeded(703);
        using var second = new Seeded(703);
        using var other = new Seeded(704);
        var sparsity = tensor(new[] { 0.2, 0.8 });

        manual_seed(1);
        var a = SyntheticFeatures.Generate(64, sparsity, 5, first.Generator);
        manual_seed(2); // the global generator must not matter
        var b = SyntheticFeatures.Generate(64, sparsity, 5, second.Generator);
        var c = SyntheticFeatures.Generate(64, sparsity, 5, other.Generator);
        var next = SyntheticFeatures.Generate(64, sparsity, 5, first.Generator);

        Assert.That(a.device_type, Is.EqualTo(DeviceType.CPU), "with no device given, the features are on the CPU");
        TensorAssert.Close(b, a, Tolerance.Exact, "features from a generator with the same seed (after another manual_seed): draw every random number from the generator");
        Assert.That((a != c).sum().item<long>(), Is.GreaterThan(0), $"features of the {a.numel()} where generators of different seeds gave different values (none: draw from the generator given)");
        Assert.That((a != next).sum().item<long>(), Is.GreaterThan(0),
            $"features of the {a.numel()} where two batches drawn one after the other from the same generator differ (none: draw from the generator given, which moves on with every draw, not from a copy)");

        // 64 × 5 features per instance: a zero fraction within 0.15 (about 7 standard deviations) of the instance's sparsity.
        var zeroFraction = (a == 0).to(ScalarType.Float64).mean([0, 2]);
        for (int i = 0; i < 2; i++)
            Assert.That(zeroFraction[i].item<double>(), Is.EqualTo(i == 0 ? 0.2 : 0.8).Within(0.15),
                $"fraction of zero features in instance {i}: expected about its sparsity {(i == 0 ? 0.2 : 0.8)} (a feature is 0 with probability sparsity[i], otherwise uniform in [0, 1))");
        Assert.That(((a >= 0) & (a < 1)).logical_not().sum().item<long>(), Is.Zero,
            $"features outside [0, 1), of {a.numel()} (smallest {a.min().ToDouble():G4}, largest {a.max().ToDouble():G4}): 0 with probability sparsity[i], otherwise uniform in [0, 1)");
    }

    [Test, Points(1)]
    public void Importance_Geometric_IsRatioToThePowerOfTheFeaturesIndex()
    {
        var importance = Importance.Geometric(4, 0.9);

        TensorAssert.Close(importance, tensor(new float[] { 1, 0.9f, 0.81f, 0.729f }), name: "Importance.Geometric(4, 0.9): 0.9^i for i = 0..3");
        TensorAssert.Close(Importance.Geometric(3, 0), tensor(new float[] { 1, 0, 0 }),
            name: "Importance.Geometric(3, 0): 0^i is 1 for i = 0 and 0 after (only feature 0 matters); exp(i · log 0) gives NaN at i = 0, use pow");
    }
}
