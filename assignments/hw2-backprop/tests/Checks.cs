using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw2.Backprop.HiddenTests;

/// <summary>What the hidden tests share: the finite-difference tolerance, the activations by name, an MLP's structure.</summary>
static class Checks
{
    /// <summary>Central differences (eps 1e-6, float64) are good to about 1e-9 here; any real bug is far worse than this.</summary>
    public static readonly Tolerance Differences = new(Rtol: 1e-3, Atol: 1e-5);

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

    /// <summary>Gives every bias of <paramref name="mlp"/> random values (the constructor's zeros would hide bias bugs).</summary>
    public static void RandomBiases(IEnumerable<Linear> linears, Seeded seeded, double scale)
    {
        foreach (var linear in linears) linear.b.Value.copy_(seeded.Randn(linear.b.Value.shape, ScalarType.Float64) * scale);
    }
}
