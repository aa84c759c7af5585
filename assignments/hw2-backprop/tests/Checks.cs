using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw2.Backprop.HiddenTests;

/// <summary>What the hidden tests share: the finite-difference tolerance, the activations by name, an MLP's structure.</summary>
static class Checks
{
    /// <summary>Central differences (eps 1e-6, float64) are good to about 1e-9 here; any real bug is far worse than this.</summary>
    public static Tolerance Differences => new(Rtol: 1e-3, Atol: 1e-5);

    /// <summary>
    /// A float64 gradient with a closed form: within the default tolerance (a wrong formula fails here), then within
    /// float64 rounding, <see cref="Tolerance.Float64Rounding"/> (about 1e-13 of the scale), which a derivative written
    /// out meets in any order of operations and a finite difference (about 1e-11 off at best, whatever its step) does not.
    /// </summary>
    public static void AssertWrittenOut(Tensor actual, Tensor expected, string name)
    {
        TensorAssert.Close(actual, expected, name: name);
        TensorAssert.Close(actual, expected, Tolerance.Float64Rounding, name +
            ": right to 1e-7 but not to float64 rounding (1e-13 of the scale); a derivative written out agrees to the last few bits, a finite difference does not");
    }

    public static ILayer Activation(string name) => name switch
    {
        "Tanh" => new Tanh(),
        "Sigmoid" => new Sigmoid(),
        "ReLU" => new ReLU(),
        _ => throw new ArgumentException(name),
    };

    /// <summary>The same activation with TorchSharp's ops, for autograd.</summary>
    public static Tensor TorchActivation(string name, Tensor x) => name switch
    {
        "Tanh" => x.tanh(),
        "Sigmoid" => x.sigmoid(),
        "ReLU" => x.relu(),
        _ => throw new ArgumentException(name),
    };

    /// <summary>Standard normal values at least 0.1 away from ReLU's kink at 0, where differences are meaningless.</summary>
    public static Tensor AwayFromZero(Seeded seeded, long[] shape)
    {
        var u = seeded.Randn(shape, ScalarType.Float64);
        return u.sign() * (u.abs() + 0.1);
    }

    public static Tensor Leaf(Tensor t) => t.detach().clone().requires_grad_(true);

    /// <summary>The Linear layers of <paramref name="mlp"/>, after checking that it is Linear, activation, ..., Linear.</summary>
    public static IReadOnlyList<Linear> Linears(Mlp mlp, long[] sizes, string activation)
    {
        var expected = string.Join(", ", Enumerable.Range(0, sizes.Length - 1)
            .Select(i => $"Linear({sizes[i]}, {sizes[i + 1]})" + (i + 2 < sizes.Length ? $", {activation}" : "")));
        var actual = string.Join(", ", mlp.Layers.Select(layer => layer is Linear linear
            ? $"Linear({linear.W.Value.shape[0]}, {linear.W.Value.shape[1]})"
            : layer.GetType().Name));
        Assert.That(actual, Is.EqualTo(expected), $"Mlp([{string.Join(", ", sizes)}]).Layers");
        return mlp.Layers.OfType<Linear>().ToList();
    }

    /// <summary>
    /// The test's own forward pass with <paramref name="weights"/>, W and b of each layer, <c>x [batch, d_in] → logits
    /// [batch, d_out]</c>: x W + b, and the activation after every Linear but the last, in TorchSharp ops.
    /// </summary>
    public static Tensor Forward(Tensor x, IReadOnlyList<(Tensor W, Tensor b)> weights, string activation)
    {
        var h = x;
        for (int i = 0; i < weights.Count; i++)
        {
            h = h.matmul(weights[i].W) + weights[i].b; // [batch, d_out of layer i]
            if (i + 1 < weights.Count) h = TorchActivation(activation, h);
        }
        return h;
    }

    /// <summary>
    /// W and b of each Linear in layer order, from the test's own view of the layers (not the student's Mlp.Parameters),
    /// read once: a test writes its draws into these and afterwards nudges, perturbs and reads (the gradients Backward left
    /// on them, the values Sgd left in them) only these, never <c>linear.W</c> again, which a property could answer with a
    /// decoy whose differences and Grad are both zero (red team 17C, c01).
    /// </summary>
    public static IReadOnlyList<Parameter> ParametersOf(IReadOnlyList<Linear> linears) =>
        linears.SelectMany(linear => new[] { linear.W, linear.b }).ToList();

    /// <summary>
    /// Writes the test's own float64 draws into W and b of each Linear of an Mlp of <paramref name="sizes"/> (or of one
    /// Linear, sizes [d_in, d_out]), in layer order and W before b, and returns them with the parameters written
    /// (<see cref="ParametersOf"/>, W and b of each Linear): W standard normal times
    /// <paramref name="weightScale"/>, b times <paramref name="biasScale"/> (nonzero: the constructor's zero biases would
    /// hide bias bugs). What a test expects is computed from these, never from the weights the constructor chose: zero
    /// weights make dL/dx = gradOutput W^T zero, so that a Backward without it would pass (red team 17, a02).
    /// </summary>
    public static (IReadOnlyList<(Tensor W, Tensor b)> Drawn, IReadOnlyList<Parameter> Parameters) WriteWeights(
        IReadOnlyList<Linear> linears, long[] sizes, Seeded seeded, double weightScale, double biasScale)
    {
        var parameters = ParametersOf(linears); // W, b of each Linear
        var drawn = new List<(Tensor W, Tensor b)>();
        var writes = new List<(string Name, Tensor? Parameter, Tensor Drawn)>();
        for (int i = 0; i < linears.Count; i++)
        {
            var (w, b) = (seeded.Randn([sizes[i], sizes[i + 1]], ScalarType.Float64) * weightScale, seeded.Randn([sizes[i + 1]], ScalarType.Float64) * biasScale);
            drawn.Add((w, b));
            writes.Add(($"W of Linear {i} (from 0)", parameters[2 * i].Value, w));
            writes.Add(($"b of Linear {i} (from 0)", parameters[2 * i + 1].Value, b));
        }
        TestWeights.Write(writes);
        return (drawn, parameters);
    }
}
