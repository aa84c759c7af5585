using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw2.Backprop.Tests;

public sealed class MlpTests : TorchTest
{
    /// <summary>The Linear layers of <paramref name="mlp"/>, after checking that it is Linear, activation, ..., Linear.</summary>
    internal static IReadOnlyList<Linear> CheckStructure(Mlp mlp, long[] sizes, Type activation)
    {
        var expected = string.Join(", ", Enumerable.Range(0, sizes.Length - 1)
            .Select(i => $"Linear({sizes[i]}, {sizes[i + 1]})" + (i + 2 < sizes.Length ? $", {activation.Name}" : "")));
        var actual = string.Join(", ", mlp.Layers.Select(layer => layer is Linear linear
            ? $"Linear({linear.W.Value.shape[0]}, {linear.W.Value.shape[1]})"
            : layer.GetType().Name));
        Assert.That(actual, Is.EqualTo(expected), $"Mlp([{string.Join(", ", sizes)}]).Layers: one Linear per pair of consecutive sizes, " +
                                                  "an activation after every Linear but the last");
        return mlp.Layers.OfType<Linear>().ToList();
    }

    /// <summary>The same network written with TorchSharp ops on leaf copies of the weights, for autograd.</summary>
    internal static Tensor AutogradForward(Tensor x, IReadOnlyList<(Tensor W, Tensor b)> leaves, Func<Tensor, Tensor> activation)
    {
        for (int i = 0; i < leaves.Count; i++)
        {
            x = x.matmul(leaves[i].W) + leaves[i].b;
            if (i + 1 < leaves.Count) x = activation(x);
        }
        return x;
    }

    /// <summary>
    /// W and b of each Linear in layer order, read once: a test writes its draws into these and afterwards reads only these
    /// (the gradients Backward left on them), never <c>linear.W</c> again, which a property could answer with a decoy
    /// (red team 17C, c01).
    /// </summary>
    internal static IReadOnlyList<Parameter> ParametersOf(IReadOnlyList<Linear> linears) =>
        linears.SelectMany(linear => new[] { linear.W, linear.b }).ToList();

    /// <summary>
    /// Writes the test's own draws into W and b of each Linear of an Mlp of <paramref name="sizes"/>, in layer order,
    /// and returns them with the parameters written (<see cref="ParametersOf"/>): W from N(0, 1/d_in), b from
    /// N(0, <paramref name="biasScale"/>²), nonzero. What a test expects is computed from these, never from the weights the
    /// constructor chose (zero weights would hide a missing dL/dx, red team 17, a02).
    /// </summary>
    internal static (IReadOnlyList<(Tensor W, Tensor b)> Drawn, IReadOnlyList<Parameter> Parameters) WriteWeights(IReadOnlyList<Linear> linears, long[] sizes, Seeded seeded, double biasScale)
    {
        var parameters = ParametersOf(linears); // W, b of each Linear
        var drawn = new List<(Tensor W, Tensor b)>();
        var writes = new List<(string Name, Tensor? Parameter, Tensor Drawn)>();
        for (int i = 0; i < linears.Count; i++)
        {
            var (w, b) = (seeded.Randn([sizes[i], sizes[i + 1]], ScalarType.Float64) / Math.Sqrt(sizes[i]), seeded.Randn([sizes[i + 1]], ScalarType.Float64) * biasScale);
            drawn.Add((w, b));
            writes.Add(($"W of Linear {i} (from 0)", parameters[2 * i].Value, w));
            writes.Add(($"b of Linear {i} (from 0)", parameters[2 * i + 1].Value, b));
        }
        TestWeights.Write(writes);
        return (drawn, parameters);
    }

    [Test, Points(3)]
    public void Layers_AreLinearThenActivation_ForEachPairOfSizes_EndingWithALinear_DrawnFromTheGenerator_OnTheDeviceGiven()
    {
        using var seeded = new Seeded(500);
        long[] sizes = [3, 8, 6, 2];

        var mlp = new Mlp([.. sizes], () => new ReLU(), seeded.Generator, ScalarType.Float64, Device);

        var linears = CheckStructure(mlp, sizes, typeof(ReLU));
        Assert.That(mlp.Layers.OfType<ReLU>().Distinct().Count(), Is.EqualTo(2),
            "each activation must be its own object (call the activation factory once per hidden layer): one shared object would share its cache");
        foreach (var linear in linears)
            Assert.That(linear.W.Value.dtype, Is.EqualTo(ScalarType.Float64), "pass the dtype on to every Linear");
        // The meta device holds shapes and dtypes but no data: any machine can check that the device is passed on, and the
        // dtype too, in float32 (the default), since a Build that always made float64 would pass the float64 check above.
        var elsewhere = new Mlp([.. sizes], () => new ReLU(), new Generator(1, CPU), ScalarType.Float32, new Device(DeviceType.META));
        foreach (var linear in elsewhere.Layers.OfType<Linear>())
        {
            Assert.That((linear.W.Value.device_type, linear.b.Value.device_type), Is.EqualTo((DeviceType.META, DeviceType.META)),
                "the device of W and b of every Linear of an Mlp made for another device: pass the device on to every Linear");
            Assert.That((linear.W.Value.dtype, linear.b.Value.dtype), Is.EqualTo((ScalarType.Float32, ScalarType.Float32)),
                "the dtype of W and b of every Linear of an Mlp made with ScalarType.Float32: pass the dtype you are given on to every Linear (not a fixed float64)");
        }
        // The given constructor's draw, made here as it makes it from a generator of the same seed: W ~ N(0, 1/d_in) drawn
        // and scaled on the CPU in float64, then moved, each Linear in turn from the first. Not another Linear of yours,
        // whose constructor could draw zeros too.
        using var again = new Seeded(500);
        for (int i = 0; i < linears.Count; i++)
        {
            var expected = (again.RandnCpu([sizes[i], sizes[i + 1]], ScalarType.Float64) / Math.Sqrt(sizes[i])).to(Device); // [d_in, d_out]
            TensorAssert.Close(linears[i].W.Value, expected, Tolerance.Exact,
                $"W of Linear {i} (from 0): drawn by the constructor you were given, randn([d_in, d_out], generator) / sqrt(d_in), " +
                "from the generator passed to Mlp, by each Linear in turn from the first (keep Linear's constructor; pass generator on to every Linear)");
            TensorAssert.Close(linears[i].b.Value, zeros([sizes[i + 1]], ScalarType.Float64, Device), Tolerance.Exact,
                $"b of Linear {i} (from 0): zeros, as the constructor you were given makes it (keep Linear's constructor)");
        }
    }

    [Test, Points(1)]
    public void Parameters_AreWAndBOfEveryLinear_InLayerOrder()
    {
        using var seeded = new Seeded(501);
        var mlp = new Mlp([2, 5, 3], () => new Tanh(), seeded.Generator, ScalarType.Float64, Device);

        var linears = mlp.Layers.OfType<Linear>().ToList();
        var expected = linears.SelectMany(linear => new[] { linear.W, linear.b }).ToList();

        Assert.That(mlp.Parameters, Is.EqualTo(expected), "Mlp.Parameters: W and b of the first Linear, then of the second, ... (the same Parameter objects)");
        CheckStructure(mlp, [2, 5, 3], typeof(Tanh));
    }

    [Test, Points(3)]
    public void ForwardAndBackward_MatchTheReference_WithStoredWeights()
    {
        long[] sizes = [4, 6, 5, 3];
        using var seeded = new Seeded(502);
        using var golden = Golden.Open("mlp_tanh");
        var mlp = new Mlp([.. sizes], () => new Tanh(), seeded.Generator, ScalarType.Float64, Device);
        var linears = CheckStructure(mlp, sizes, typeof(Tanh));
        var parameters = ParametersOf(linears); // W, b of each Linear, read once
        TestWeights.Write(Enumerable.Range(0, linears.Count).SelectMany(i => new (string, Tensor?, Tensor)[]
        {
            ($"W of Linear {i} (from 0)", parameters[2 * i].Value, golden.Input($"layer{i}.W", () => seeded.RandnCpu([sizes[i], sizes[i + 1]], ScalarType.Float64) * 0.7)),
            ($"b of Linear {i} (from 0)", parameters[2 * i + 1].Value, golden.Input($"layer{i}.b", () => seeded.RandnCpu([sizes[i + 1]], ScalarType.Float64) * 0.3)),
        }));
        var x = golden.Input("x", () => seeded.RandnCpu([5, 4], ScalarType.Float64));
        var gradOutput = golden.Input("grad_output", () => seeded.RandnCpu([5, 3], ScalarType.Float64));

        golden.AssertClose("logits", mlp.Forward(x), $"Mlp.Forward(x) [5, {sizes[^1]}], Linears of sizes {string.Join(", ", sizes)} with Tanh between them");
        golden.AssertClose("grad_input", mlp.Backward(gradOutput), $"Mlp.Backward(gradOutput), dL/dx [5, {sizes[0]}], back through every layer in reverse");
        for (int i = 0; i < linears.Count; i++)
        {
            golden.AssertClose($"layer{i}.dW", parameters[2 * i].Grad!, $"W.Grad of Linear {i} (from 0) after Mlp.Backward, dL/dW [{sizes[i]}, {sizes[i + 1]}]");
            golden.AssertClose($"layer{i}.db", parameters[2 * i + 1].Grad!, $"b.Grad of Linear {i} (from 0) after Mlp.Backward, dL/db [{sizes[i + 1]}]");
        }
    }

    [Test, Points(5)]
    public void Backward_MatchesAutograd_ForEveryParameterAndTheInput()
    {
        long[] sizes = [3, 7, 5, 4];
        using var seeded = new Seeded(503);
        var mlp = new Mlp([.. sizes], () => new Sigmoid(), seeded.Generator, ScalarType.Float64, Device);
        var linears = CheckStructure(mlp, sizes, typeof(Sigmoid));
        var (drawn, parameters) = WriteWeights(linears, sizes, seeded, biasScale: 0.5);
        var x = seeded.Randn([6, 3], ScalarType.Float64);
        var targets = seeded.Randint(0, 4, [6]);

        var leaves = drawn.Select(d => (W: d.W.detach().clone().requires_grad_(true), b: d.b.detach().clone().requires_grad_(true))).ToList();
        var xLeaf = x.detach().clone().requires_grad_(true);
        nn.functional.cross_entropy(AutogradForward(xLeaf, leaves, t => t.sigmoid()), targets).backward();

        var loss = new SoftmaxCrossEntropy();
        loss.Forward(mlp.Forward(x), targets);
        var gradInput = mlp.Backward(loss.Backward());

        for (int i = linears.Count - 1; i >= 0; i--)
        {
            TensorAssert.Close(parameters[2 * i].Grad, leaves[i].W.grad!, name: $"W.Grad of Linear {i} (counting from 0) of the Mlp");
            TensorAssert.Close(parameters[2 * i + 1].Grad, leaves[i].b.grad!, name: $"b.Grad of Linear {i} (counting from 0) of the Mlp");
        }
        TensorAssert.Close(gradInput, xLeaf.grad!, name: "Mlp.Backward(dL/dlogits), dL/dx");
    }
}
