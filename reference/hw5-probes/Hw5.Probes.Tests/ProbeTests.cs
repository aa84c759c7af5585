using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw5.Probes.Tests;

public sealed class ProbeTests : TorchTest
{
    /// <summary>
    /// A planted direction: 2000 points of isotropic unit noise in 16 dimensions, shifted by +1.5 or -1.5 along one unit
    /// direction by their label, plus an offset shared by all; the label is recoverable along that direction only. With
    /// 2000 points the sampling error of a fitted direction is about sqrt(16 / 2000) ≈ 0.09 radians, so a cosine of 0.95
    /// (0.32 radians) leaves room for any correct probe; one that ignores the labels or the centring lands far from it.
    /// </summary>
    static (Tensor X, Tensor Y, Tensor Planted) PlantedData(Seeded seeded)
    {
        var planted = seeded.Randn([16]);
        planted /= planted.norm();
        var y = seeded.Randint(0, 2, [2000]).to(ScalarType.Float64); // [n]
        var x = seeded.Randn([2000, 16]) + 3.0f * seeded.Randn([16]) + (y.to(ScalarType.Float32) * 3 - 1.5f).unsqueeze(1) * planted; // [n, 16]
        return (x, y, planted);
    }

    static double Cosine(Tensor a, Tensor b)
    {
        var (a64, b64) = (a.to(ScalarType.Float64).cpu(), b.to(ScalarType.Float64).cpu());
        return (a64.dot(b64) / (a64.norm() * b64.norm())).ToDouble();
    }

    [Test, Points(3)]
    public void DiffMeansProbe_OnAPlantedDirection_PointsAlongIt_FromLabel0ToLabel1()
    {
        using var seeded = new Seeded(540);
        var (x, y, planted) = PlantedData(seeded);
        var labelsBefore = y.clone();
        var x64 = x.to(ScalarType.Float64); // the same points in float64, for Predict after the fit
        var x64Before = x64.clone();

        var probe = DiffMeansProbe.Fit(x, y);

        Assert.That(probe.Direction.norm().ToDouble(), Is.EqualTo(1.0).Within(1e-9), "the direction has unit norm");
        Assert.That(Cosine(probe.Direction, planted), Is.GreaterThanOrEqualTo(0.95), "cosine of the probe's direction to the planted one");
        var predictions = probe.Predict(x);
        Assert.That(predictions.dtype, Is.EqualTo(ScalarType.Float64), "the dtype of DiffMeansProbe.Predict: 1.0 and 0.0 in float64, not the comparison's bool");
        var predictionsBefore = predictions.clone();
        Assert.That(Probing.Accuracy(predictions, y), Is.GreaterThan(0.9), "training accuracy where the classes are 3 noise widths apart");
        TensorAssert.Close(predictions, predictionsBefore, Tolerance.Exact,
            "the float64 predictions after Probing.Accuracy(predictions, labels): compare on a copy (predicted == labels), never with eq_ on the caller's tensor (.to(Float64) of a float64 tensor is that tensor)");
        TensorAssert.Close(y, labelsBefore, Tolerance.Exact, "the labels after Probing.Accuracy(predictions, labels): leave them as they were");
        probe.Predict(x64);
        TensorAssert.Close(x64, x64Before, Tolerance.Exact,
            "the float64 x after DiffMeansProbe.Predict(x): project a copy, never shift or scale the caller's x in place (.to(Float64) of a float64 tensor is that tensor)");
    }

    [Test, Points(3)]
    public void LogisticProbe_OnAPlantedDirection_PointsAlongIt_AndClassifiesIt()
    {
        using var seeded = new Seeded(541);
        var (x, y, planted) = PlantedData(seeded);

        var probe = LogisticProbe.Fit(x, y);

        Assert.That(Cosine(probe.Direction, planted), Is.GreaterThanOrEqualTo(0.95), "cosine of the probe's direction to the planted one");
        Assert.That(Probing.Accuracy(probe.Predict(x), y), Is.GreaterThan(0.9), "training accuracy where the classes are 3 noise widths apart");
        var probability = probe.Probability(x);
        Assert.That(probability.min().ToDouble(), Is.Not.NaN.And.GreaterThanOrEqualTo(0), "the smallest of the probe's probabilities, which lie in [0, 1]");
        Assert.That(probability.max().ToDouble(), Is.Not.NaN.And.LessThanOrEqualTo(1), "the largest of the probe's probabilities, which lie in [0, 1]");
        // (x - mean)·w + b for w = (1, -2), b = 0.5, mean = (3, 1): 0.5, 1.5 and -1.5.
        var byHand = new LogisticProbe(tensor(new double[] { 1, -2 }), 0.5, tensor(new double[] { 3, 1 }));
        var at = tensor(new double[] { 3, 1, /**/ 4, 1, /**/ 3, 2 }, [3, 2]).to(Device);
        var expected = tensor(new[] { 0.5, 1.5, -1.5 }.Select(z => 1 / (1 + Math.Exp(-z))).ToArray()).to(Device);
        var atBefore = at.clone();
        TensorAssert.Close(byHand.Probability(at), expected, name:
            "Probability(x) of a probe with w = (1, -2), b = 0.5, Mean = (3, 1): sigmoid((x - Mean)·w + b) (centre x on the probe's Mean here too, not only in Fit)");
        TensorAssert.Close(at, atBefore, Tolerance.Exact,
            "the float64 x after LogisticProbe.Probability(x): centre a copy (x - Mean), never the caller's x in place (.to(Float64) of a float64 tensor is that tensor)");
        // A float32 x far from the origin, as the residual stream is: its own values are float32-exact, the Mean is not, so
        // only a float64 x - Mean keeps the offset's digits (a float32 one is off by about 2e-5 in z, where float64 allows 1e-7).
        var far = new LogisticProbe(tensor(new double[] { 1, -2 }), 0.5, tensor(new double[] { 1000.1, 1 }));
        float[] rows = [1000.25f, 1, /**/ 1000, 1.5f, /**/ 1000.5f, 0.75f];
        var expectedFar = tensor(Enumerable.Range(0, 3)
            .Select(i => (rows[2 * i] - 1000.1) * 1 + (rows[2 * i + 1] - 1.0) * -2 + 0.5) // 0.65, -0.6, 1.4, from the widened rows
            .Select(z => 1 / (1 + Math.Exp(-z))).ToArray()).to(Device);
        TensorAssert.Close(far.Probability(tensor(rows, [3, 2]).to(Device)), expectedFar, name:
            "Probability(x) of float32 x near (1000, 1) for a probe with w = (1, -2), b = 0.5, Mean = (1000.1, 1): widen x to float64 before centring (near 1000 float32's values are 6e-5 apart: float32 cannot hold the Mean's 1000.1)");
    }

    [Test, Points(2)]
    public void LogisticProbe_AtZeroWeights_HasGradientXTransposeTimesPMinusYOverN_AndLeavesXAsItWas()
    {
        // One step from w = 0, b = 0 with l2 = 0: p = 1/2 everywhere, so w = -lr Xcᵀ(1/2 - y) / n and b = -lr mean(1/2 - y).
        var x = tensor(new double[,] { { 1, 2 }, { 3, 0 }, { -1, 1 }, { 1, -3 } }).to(Device); // [4, 2], mean (1, 0)
        var y = tensor(new double[] { 1, 0, 1, 0 }).to(Device);
        var xBefore = x.clone();

        var probe = LogisticProbe.Fit(x, y, l2: 0, steps: 1, lr: 2.0);

        // Xc = [[0, 2], [2, 0], [-2, 1], [0, -3]]; 1/2 - y = [-1/2, 1/2, -1/2, 1/2]; Xcᵀ(1/2 - y) / 4 = [2, -3] / 4.
        TensorAssert.Close(probe.W, tensor(new double[] { -1, 1.5 }).to(Device), name: "w after one step of size 2 from zero, on centred x");
        Assert.That(probe.B, Is.EqualTo(0.0).Within(1e-12), "b after one step: the labels are balanced");
        TensorAssert.Close(probe.Mean, tensor(new double[] { 1, 0 }).to(Device), name: "the training mean the probe centres on");
        TensorAssert.Close(x, xBefore, Tolerance.Exact, "x after LogisticProbe.Fit(x, ...): centre a copy (x - mean), never the caller's x in place (a float64 x is not copied by .to(Float64))");
    }

    [Test, Points(2)]
    public void HeldOutAccuracy_FitsOnEachLayersTrainingData_AndScoresOnItsTestData()
    {
        var train = stack([full(new long[] { 3, 2 }, 1.0, ScalarType.Float64), full(new long[] { 3, 2 }, 2.0, ScalarType.Float64)]).to(Device); // [layer, n, d]
        var test = stack([full(new long[] { 2, 2 }, 10.0, ScalarType.Float64), full(new long[] { 2, 2 }, 20.0, ScalarType.Float64)]).to(Device);
        var trainLabels = tensor(new double[] { 1, 0, 1 }).to(Device);
        var testLabels = tensor(new double[] { 1, 0 }).to(Device);
        var fitted = new List<double>();

        double[] accuracies = [.. Probing.HeldOutAccuracy(train, trainLabels, test, testLabels, (x, y) =>
        {
            fitted.Add(x[0, 0].ToDouble());
            Assert.That(x.shape, Is.EqualTo(new long[] { 3, 2 }), "a probe is fitted on one layer's training vectors");
            return v => (v[.., 0] < 15).to(ScalarType.Float64);
        })];

        // In any order: the doc asks for one fit per layer on its training data, not for an order of the fits.
        Assert.That(fitted, Is.EquivalentTo(new[] { 1.0, 2.0 }), "each layer's training data once, and never the test data");
        Assert.That(accuracies, Is.EqualTo(new[] { 0.5, 0.5 }).Within(1e-9), "layer 0 predicts [1, 1] and layer 1 [0, 0] on the test labels [1, 0]");
    }
}
