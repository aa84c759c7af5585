using System.Diagnostics;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw2.Backprop.HiddenTests;

/// <summary>The public spiral test on other data: 150 points per class, another seed, shuffled; the accuracy from the trained weights.</summary>
[Visibility(Visibility.Hidden)]
public sealed class HiddenSpiralTrainingTests : TorchTest
{
    static long[] Sizes => [2, 32, 32, 32, 2];
    const double LearningRate = 0.5;
    // With data and weight seeds 0..7 (shuffled) and 150 points per class the reference first classifies every point
    // right after 600, 725, 700, 1075, 700, 1025, 1075 and 1000 steps (checked every 25), in 0.4 to 0.7 s on 2 shared
    // CPU cores; 3000 leaves a wide margin.
    const int MaxSteps = 3000;

    /// <summary>
    /// Steps until every point is classified right, or -1: the points shuffled (position gives nothing away), the
    /// accuracy computed here from the trained W and b, never from the logits the student's Forward returned.
    /// </summary>
    internal static (int Steps, double Loss, double Accuracy) StepsToFullAccuracy(int seed, long perClass)
    {
        using var generator = new Generator((ulong)seed, CPU);
        var (points, labels) = Toy2D.Spirals(perClass, generator);
        using var shuffler = new Generator((ulong)seed + 1000, CPU); // its own generator: the weights are drawn as before
        var order = randperm(2 * perClass, ScalarType.Int64, generator: shuffler); // [2 perClass]
        var x = points.index_select(0, order).to(Device); // [2 perClass, 2]
        var y = labels.index_select(0, order).to(Device); // [2 perClass]
        var mlp = new Mlp(Sizes, () => new Tanh(), generator, ScalarType.Float64, Device);
        var linears = Checks.Linears(mlp, Sizes, nameof(Tanh));
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

    /// <summary>The fraction of <paramref name="x"/> <c>[n, 2]</c> the trained layers classify as <paramref name="y"/> <c>[n]</c>: x W + b, tanh, ..., x W + b, argmax, here.</summary>
    static double Accuracy(IReadOnlyList<Linear> actual, Tensor x, Tensor y)
    {
        var h = x; // [n, 2]
        for (int i = 0; i < actual.Count; i++)
        {
            h = h.matmul(actual[i].W.Value) + actual[i].b.Value; // [n, Sizes[i + 1]]
            if (i + 1 < actual.Count) h = h.tanh();
        }
        return h.argmax(1).eq(y).to_type(ScalarType.Float64).mean().ToDouble(); // h [n, 2] are the logits
    }

    [Test, Points(5)]
    public void TanhMlp_ClassifiesEveryPointOf150PerClassSpirals_WithinTheStepBudget()
    {
        const int seed = 3;
        var clock = Stopwatch.StartNew();
        var (steps, loss, accuracy) = StepsToFullAccuracy(seed, perClass: 150);
        TestContext.Out.WriteLine($"seed {seed}: {(steps > 0 ? $"100% after {steps} steps" : $"{accuracy:P1} after {MaxSteps} steps")}, loss {loss:F4}, {clock.Elapsed.TotalSeconds:F1} s");
        if (steps < 0) // never reached 100%
            Assert.Fail($"the MLP never classified all 300 training points right within {MaxSteps} SGD steps (lr {LearningRate}): it ended at {accuracy:P1} " +
                $"(loss {loss:F3}), where the reference reaches 100% in about 1000 steps. If the tests of Linear, Tanh, SoftmaxCrossEntropy or Sgd fail, " +
                "fix those first (a gradient off by a factor trains slowly); otherwise check that Sgd.Step updates every parameter in place and that gradients are not accumulated.");
    }
}
