using System.Diagnostics;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw2.Backprop.Tests;

/// <summary>
/// End to end: your layers, backprop and SGD train a small tanh MLP to separate two interleaved spirals
/// (Lang and Witbrock 1988), 100 points per class in a shuffled order, full batch. The accuracy is measured here,
/// from the trained weights.
/// </summary>
public sealed class SpiralTrainingTests : TorchTest
{
    internal static long[] Sizes => [2, 32, 32, 32, 2];
    internal const double LearningRate = 0.5;
    // With data and weight seeds 0..7 (shuffled) the reference first classifies every point right after 650, 675, 700,
    // 775, 900, 850, 650 and 975 steps (checked every 25), in 0.4 to 1.6 s on 2 shared CPU cores; 3000 leaves a wide margin.
    internal const int MaxSteps = 3000;

    /// <summary>
    /// The number of full-batch SGD steps until every training point is classified right, or -1. The points come in a
    /// random order, so a row's position says nothing of its class, and the accuracy is the test's own: the trained W and
    /// b of each Linear run through x W + b and tanh here, never the logits your Forward returned (a Forward that saw
    /// the labels, through the loss, could answer with them).
    /// </summary>
    internal static (int Steps, double Loss, double Accuracy) StepsToFullAccuracy(int seed, long perClass)
    {
        using var generator = new Generator((ulong)seed, CPU);
        var (points, labels) = Toy2D.Spirals(perClass, generator);
        using var shuffler = new Generator((ulong)seed + 1000, CPU); // a generator of its own: the weights are drawn as before
        var order = randperm(2 * perClass, ScalarType.Int64, generator: shuffler); // [2 perClass]
        var x = points.index_select(0, order).to(Device); // [2 perClass, 2]
        var y = labels.index_select(0, order).to(Device); // [2 perClass], classes mixed
        var mlp = new Mlp(Sizes, () => new Tanh(), generator, ScalarType.Float64, Device);
        var linears = MlpTests.CheckStructure(mlp, Sizes, typeof(Tanh));
        var loss = new SoftmaxCrossEntropy();
        var sgd = new Sgd(mlp.Parameters, LearningRate);
        double lastLoss = double.NaN, accuracy = 0;
        for (int step = 1; step <= MaxSteps; step++)
        {
            using var scope = NewDisposeScope();
            lastLoss = loss.Forward(mlp.Forward(x.clone()), y.clone()).ToDouble();
            mlp.Backward(loss.Backward());
            if (step == 1)
                foreach (var parameter in linears.SelectMany(linear => new[] { linear.W, linear.b }))
                    TensorAssert.Shape(parameter.Grad, parameter.Value.shape, $"{parameter.Name}.Grad after the first Mlp.Backward (a gradient has the shape of its parameter)");
            sgd.Step();
            if (step % 25 != 0) continue;
            accuracy = Accuracy(linears, x, y);
            if (accuracy == 1) return (step, lastLoss, accuracy);
        }
        return (-1, lastLoss, accuracy);
    }

    /// <summary>
    /// The fraction of the points <paramref name="x"/> <c>[n, 2]</c> that the trained Linear layers classify as
    /// <paramref name="y"/> <c>[n]</c>, computed here from their weights: x W + b, tanh, ..., x W + b, then the argmax.
    /// </summary>
    internal static double Accuracy(IReadOnlyList<Linear> actual, Tensor x, Tensor y)
    {
        var h = x; // [n, 2]
        for (int i = 0; i < actual.Count; i++)
        {
            h = h.matmul(actual[i].W.Value) + actual[i].b.Value; // [n, sizes[i + 1]]
            if (i + 1 < actual.Count) h = h.tanh();
        }
        return h.argmax(1).eq(y).to_type(ScalarType.Float64).mean().ToDouble(); // h [n, 2] are the logits
    }

    internal static void AssertTrains(int seed, long perClass)
    {
        var clock = Stopwatch.StartNew();
        var (steps, loss, accuracy) = StepsToFullAccuracy(seed, perClass);
        TestContext.Out.WriteLine($"seed {seed}: {(steps > 0 ? $"100% after {steps} steps" : $"{accuracy:P1} after {MaxSteps} steps")}, loss {loss:F4}, {clock.Elapsed.TotalSeconds:F1} s");
        Assert.That(steps, Is.GreaterThan(0),
            $"after {MaxSteps} SGD steps (lr {LearningRate}) the MLP classifies {accuracy:P1} of the training points right (loss {loss:F3}); " +
            "the reference reaches 100% in about 1000 steps. If the gradient tests pass, check that Sgd.Step updates the tensors the layers use " +
            "(in place: Value.sub_), that Mlp.Parameters returns every W and b, and that Backward sets Grad anew on every call.");
    }

    [Test, Points(6)]
    public void TanhMlp_ClassifiesEveryPointOfTwoSpiralsRight_WithinTheStepBudget() => AssertTrains(seed: 0, perClass: 100);
}
