using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw2.Backprop.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenMlpTests : TorchTest
{
    [Test, Points(3)]
    public void DeepSigmoidMlp_ForwardAndBackward_MatchTheReference_WithStoredWeights()
    {
        long[] sizes = [5, 8, 8, 8, 3];
        using var seeded = new Seeded(1500);
        using var golden = Golden.Open("mlp_sigmoid_deep");
        var mlp = new Mlp([.. sizes], () => new Sigmoid(), seeded.Generator, ScalarType.Float64, Device);
        var linears = Checks.Linears(mlp, sizes, nameof(Sigmoid));
        var parameters = Checks.ParametersOf(linears); // W, b of each Linear, read once
        TestWeights.Write(Enumerable.Range(0, linears.Count).SelectMany(i => new (string, Tensor?, Tensor)[]
        {
            ($"W of Linear {i} (from 0)", parameters[2 * i].Value, golden.Input($"layer{i}.W", () => seeded.RandnCpu([sizes[i], sizes[i + 1]], ScalarType.Float64) * 0.7)),
            ($"b of Linear {i} (from 0)", parameters[2 * i + 1].Value, golden.Input($"layer{i}.b", () => seeded.RandnCpu([sizes[i + 1]], ScalarType.Float64) * 0.3)),
        }));
        var x = golden.Input("x", () => seeded.RandnCpu([6, 5], ScalarType.Float64));
        var gradOutput = golden.Input("grad_output", () => seeded.RandnCpu([6, 3], ScalarType.Float64));

        golden.AssertClose("logits", mlp.Forward(x), $"Mlp.Forward(x) [6, {sizes[^1]}], Linears of sizes {string.Join(", ", sizes)} with Sigmoid between them");
        golden.AssertClose("grad_input", mlp.Backward(gradOutput), $"Mlp.Backward(gradOutput), dL/dx [6, {sizes[0]}], back through every layer in reverse");
        for (int i = 0; i < linears.Count; i++)
        {
            golden.AssertClose($"layer{i}.dW", parameters[2 * i].Grad!, $"W.Grad of Linear {i} (from 0) after Mlp.Backward, dL/dW [{sizes[i]}, {sizes[i + 1]}]");
            golden.AssertClose($"layer{i}.db", parameters[2 * i + 1].Grad!, $"b.Grad of Linear {i} (from 0) after Mlp.Backward, dL/db [{sizes[i + 1]}]");
        }
    }

    [Test, Points(4)]
    public void ReluMlpWithCrossEntropy_GradientsMatchCentralDifferences_ForEveryParameterAndTheInput()
    {
        long[] sizes = [3, 6, 5, 2];
        using var seeded = new Seeded(1501);
        var mlp = new Mlp([.. sizes], () => new ReLU(), seeded.Generator, ScalarType.Float64, Device);
        var linears = Checks.Linears(mlp, sizes, nameof(ReLU));
        var (drawn, parameters) = Checks.WriteWeights(linears, sizes, seeded, weightScale: 0.8, biasScale: 0.5); // parameters: W and b of each Linear as written, not Mlp.Parameters
        var x = seeded.Randn([8, 3], ScalarType.Float64);
        var targets = seeded.Randint(0, 2, [8]);

        // ReLU's kink: a difference that crosses it is meaningless, so the test checks with its own forward pass that
        // no pre-activation is within 1e-3 of 0 (for these weights the nearest is 0.0023), while a nudge of 1e-6 to
        // one input or weight moves a pre-activation by at most about 3e-6.
        var h = x;
        for (int i = 0; i + 1 < drawn.Count; i++)
        {
            var z = h.matmul(drawn[i].W) + drawn[i].b;
            Assert.That(z.abs().min().ToDouble(), Is.GreaterThan(1e-3), "test setup: a pre-activation is too close to ReLU's kink");
            h = z.relu();
        }
        // The differences below are of your Forward and loss, so both are first checked against the test's own: differences
        // of a wrong network (say, one that skips its activations in both passes) would agree with its wrong gradients.
        var expectedLogits = Checks.Forward(x, drawn, nameof(ReLU)); // [8, 2]
        var expectedLoss = nn.functional.cross_entropy(expectedLogits, targets); // []

        var loss = new SoftmaxCrossEntropy();
        // Your Forward runs first inside the differences, each evaluation in a dispose scope of its own (as each step of a
        // training loop is): a tensor a layer made there and kept for a later call is freed when that evaluation ends.
        double Loss() => loss.Forward(mlp.Forward(x), targets).ToDouble();
        var numeric = parameters.Select(p => NumericalGradient.Central(Loss, p.Value)).ToList();
        var numericX = NumericalGradient.Central(Loss, x);
        var logits = mlp.Forward(x);
        TensorAssert.Close(logits, expectedLogits, name:
            "Mlp.Forward(x [8, 3]) of Mlp([3, 6, 5, 2], ReLU): expected Linear, ReLU, Linear, ReLU, Linear with its layers' W and b (x W + b, max(0, .))");
        TensorAssert.Close(loss.Forward(logits, targets), expectedLoss, name:
            "SoftmaxCrossEntropy.Forward of the Mlp's logits: expected the mean over the batch of -log softmax(logits)[i, targets[i]]");
        var gradInput = mlp.Backward(loss.Backward());

        for (int i = 0; i < parameters.Count; i++)
            TensorAssert.Close(parameters[i].Grad, numeric[i], Checks.Differences, $"{parameters[i].Name}.Grad of Linear {i / 2} (from 0) of a ReLU Mlp vs central differences");
        TensorAssert.Close(gradInput, numericX, Checks.Differences, "dL/dx of a ReLU Mlp vs central differences");
    }

    [Test, Points(4)]
    public void TanhMlpLoss_TaylorRemaindersShrinkLikeHSquared_AlongEveryParameter()
    {
        long[] sizes = [3, 6, 5, 4];
        // h = 0.02 / 2^k, k = 0..7, along directions of unit length. The reference's slopes are 1.987 to 2.007 along
        // each parameter alone and 2.013 along all at once; a wrong gradient gives about 1.
        double[] steps = [.. Enumerable.Range(0, 8).Select(k => 0.02 / (1 << k))];
        const double low = 1.8, high = 2.2;
        using var seeded = new Seeded(1502);
        var mlp = new Mlp([.. sizes], () => new Tanh(), seeded.Generator, ScalarType.Float64, Device);
        var linears = Checks.Linears(mlp, sizes, nameof(Tanh));
        var (drawn, parameters) = Checks.WriteWeights(linears, sizes, seeded, weightScale: 0.8, biasScale: 0.5); // parameters: W and b of each Linear as written, not Mlp.Parameters
        var x = seeded.Randn([8, 3], ScalarType.Float64);
        var targets = seeded.Randint(0, 4, [8]);
        var loss = new SoftmaxCrossEntropy();
        var origins = drawn.SelectMany(d => new[] { d.W, d.b }).ToList(); // what each parameter holds, in the order of parameters
        var directions = parameters.Select(p => seeded.Randn(p.Value.shape, ScalarType.Float64)).Select(v => v / v.norm()).ToList(); // unit length
        // The remainders are of your Forward and loss, so both are first checked against the test's own: a wrong network
        // whose gradients fit it (say, tanh replaced by the identity in both passes) would shrink like h² too.
        var expectedLogits = Checks.Forward(x, drawn, nameof(Tanh)); // [8, 4]
        var expectedLoss = nn.functional.cross_entropy(expectedLogits, targets); // []

        var logits = mlp.Forward(x);
        TensorAssert.Close(logits, expectedLogits, name:
            "Mlp.Forward(x [8, 3]) of Mlp([3, 6, 5, 4], Tanh): expected Linear, Tanh, Linear, Tanh, Linear with its layers' W and b (x W + b, tanh)");
        var lossAtOrigin = loss.Forward(logits, targets);
        TensorAssert.Close(lossAtOrigin, expectedLoss, name:
            "SoftmaxCrossEntropy.Forward of the Mlp's logits: expected the mean over the batch of -log softmax(logits)[i, targets[i]]");
        double f0 = lossAtOrigin.ToDouble();
        mlp.Backward(loss.Backward());
        foreach (var parameter in parameters)
            TensorAssert.Shape(parameter.Grad, parameter.Value.shape, $"{parameter.Name}.Grad after Mlp.Backward (a gradient has the shape of its parameter)");
        var gradients = parameters.Select(p => p.Grad!.clone()).ToList();

        double Slope(IReadOnlyList<int> moved)
        {
            double gv = moved.Sum(i => (gradients[i] * directions[i]).sum().ToDouble());
            var remainders = steps.Select(h =>
            {
                foreach (var i in moved) parameters[i].Value.copy_(origins[i] + h * directions[i]);
                double f = loss.Forward(mlp.Forward(x), targets).ToDouble();
                foreach (var i in moved) parameters[i].Value.copy_(origins[i]);
                return Math.Abs(f - f0 - h * gv);
            }).ToList();
            var a = steps.Select(h => Math.Log(h)).ToList();
            var c = remainders.Select(r => Math.Log(r)).ToList();
            double meanA = a.Average(), meanC = c.Average();
            return a.Zip(c).Sum(p => (p.First - meanA) * (p.Second - meanC)) / a.Sum(v => (v - meanA) * (v - meanA));
        }

        for (int i = 0; i < parameters.Count; i++)
        {
            double slope = Slope([i]);
            Assert.That(slope, Is.InRange(low, high),
                $"log-log slope of the Taylor remainders of the loss along {parameters[i].Name} of Linear {i / 2} (from 0) alone, " +
                "with your gradient: about 1 means that gradient is wrong");
        }
        Assert.That(Slope([.. Enumerable.Range(0, parameters.Count)]), Is.InRange(low, high), "log-log slope of the Taylor remainders along all parameters at once");
    }

    [Test, Points(1)]
    public void TwoSizes_MakeASingleLinearLayer()
    {
        using var seeded = new Seeded(1503);
        var mlp = new Mlp([3, 4], () => new Tanh(), seeded.Generator, ScalarType.Float64, Device);

        var linears = Checks.Linears(mlp, [3, 4], nameof(Tanh));
        var (w, b) = Checks.WriteWeights(linears, [3, 4], seeded, weightScale: 0.5, biasScale: 0.5).Drawn.Single();
        var x = seeded.Randn([2, 3], ScalarType.Float64);
        var expected = x.matmul(w) + b;
        TensorAssert.Close(mlp.Forward(x), expected, name: "Mlp([3, 4]).Forward(x): one Linear, no activation");
    }

    [Test, Points(2)]
    public void ThreeSgdSteps_GiveTheWeightsAutogradAndTheSameUpdateGive()
    {
        long[] sizes = [4, 7, 3];
        const double lr = 0.3;
        using var seeded = new Seeded(1504);
        var mlp = new Mlp([.. sizes], () => new Tanh(), seeded.Generator, ScalarType.Float64, Device);
        var linears = Checks.Linears(mlp, sizes, nameof(Tanh));
        var (drawn, parameters) = Checks.WriteWeights(linears, sizes, seeded, weightScale: 0.5, biasScale: 0.5);
        var x = seeded.Randn([10, 4], ScalarType.Float64);
        var targets = seeded.Randint(0, 3, [10]);
        var leaves = drawn.SelectMany(d => new[] { Checks.Leaf(d.W), Checks.Leaf(d.b) }).ToList(); // W, b of each Linear

        var loss = new SoftmaxCrossEntropy();
        var sgd = new Sgd(mlp.Parameters, lr);
        for (int step = 0; step < 3; step++)
        {
            loss.Forward(mlp.Forward(x.clone()), targets.clone());
            mlp.Backward(loss.Backward());
            sgd.Step();

            var h = x;
            for (int i = 0; i < leaves.Count; i += 2)
            {
                h = h.matmul(leaves[i]) + leaves[i + 1];
                if (i + 2 < leaves.Count) h = h.tanh();
            }
            nn.functional.cross_entropy(h, targets).backward();
            leaves = leaves.Select(leaf => Checks.Leaf(leaf - lr * leaf.grad!)).ToList();
        }

        for (int i = 0; i < parameters.Count; i++)
            TensorAssert.Close(parameters[i].Value, leaves[i].detach(), name:
                $"{parameters[i].Name} of Linear {i / 2} (from 0) after 3 steps of Forward, Backward, Sgd.Step (lr {lr}), vs autograd and the same update");
    }

    // The unit tests of Step take one or three steps; a Step that keeps state (a step counter that changes the rate later, a
    // momentum) is seen only over many.
    [Test, Points(1)]
    public void ThousandSgdSteps_OnAFixedGradient_MoveTheValueByAThousandTimesLrTimesGrad()
    {
        const int steps = 1000;
        const double lr = 0.001;
        using var seeded = new Seeded(1505);
        var w = new Parameter("w", seeded.Randn([6], ScalarType.Float64));
        w.Grad = seeded.Randn([6], ScalarType.Float64);
        var expected = w.Value - steps * lr * w.Grad; // [6]: the closed form of 1000 plain SGD steps on a gradient that stays put

        var sgd = new Sgd([w], lr);
        for (int step = 0; step < steps; step++) sgd.Step();

        TensorAssert.Close(w.Value, expected, name:
            $"w.Value after {steps} Step()s of one Sgd (lr {lr}) on a fixed Grad: expected w - {steps} * lr * Grad; every step is θ ← θ - lr · Grad with the same lr (no step counter, schedule or momentum in Sgd)");
    }
}
