using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw2.Backprop.Tests;

public sealed class ActivationTests : TorchTest
{
    /// <summary>
    /// A new activation layer. Its methods are taken through the concrete type, not ILayer, so that the grader sees
    /// which of your methods each test calls (a banned API used in one of them is traced to these tests).
    /// </summary>
    internal static (ILayer Layer, Func<Tensor, Tensor> Forward, Func<Tensor, Tensor> Backward) Make(string name)
    {
        switch (name)
        {
            case "Tanh": { var layer = new Tanh(); return (layer, layer.Forward, layer.Backward); }
            case "Sigmoid": { var layer = new Sigmoid(); return (layer, layer.Forward, layer.Backward); }
            case "ReLU": { var layer = new ReLU(); return (layer, layer.Forward, layer.Backward); }
            default: throw new ArgumentException(name);
        }
    }

    /// <summary>The same function written with TorchSharp's own ops, for autograd to differentiate.</summary>
    internal static Tensor Expected(string name, Tensor x) => name switch
    {
        "Tanh" => x.tanh(),
        "Sigmoid" => x.sigmoid(),
        "ReLU" => x.relu(),
        _ => throw new ArgumentException(name),
    };

    internal static string Derivative(string name) => name switch
    {
        "Tanh" => "1 - y^2",
        "Sigmoid" => "y (1 - y)",
        _ => "1 where x > 0, else 0",
    };

    /// <summary>
    /// Standard normal values pushed at least 0.1 away from 0: ReLU has a kink at 0, where neither autograd's
    /// convention nor a finite difference is meaningful, so no input comes near it.
    /// </summary>
    internal static Tensor AwayFromZero(Seeded seeded, long[] shape)
    {
        var u = seeded.Randn(shape, ScalarType.Float64);
        return u.sign() * (u.abs() + 0.1);
    }

    [TestCase("Tanh"), TestCase("Sigmoid"), TestCase("ReLU"), Points(3)]
    public void Forward_MatchesTheFunction(string name)
    {
        using var seeded = new Seeded(300);
        var x = AwayFromZero(seeded, [4, 6]) * 2;

        var expected = Expected(name, x);
        TensorAssert.Close(Make(name).Forward(x), expected, name: $"{name}.Forward(x)");
    }

    [TestCase("Tanh"), TestCase("Sigmoid"), TestCase("ReLU"), Points(6)]
    public void Backward_MatchesAutograd(string name)
    {
        using var seeded = new Seeded(301);
        var x = AwayFromZero(seeded, [4, 6]);
        var gradOutput = seeded.Randn([4, 6], ScalarType.Float64);
        var leaf = x.detach().clone().requires_grad_(true);
        Expected(name, leaf).mul(gradOutput).sum().backward();

        var layer = Make(name);
        layer.Forward(x);
        var gradInput = layer.Backward(gradOutput);

        Differences.AssertWrittenOut(gradInput, leaf.grad!,
            $"{name}.Backward(gradOutput), dL/dx: expected gradOutput times the derivative {Derivative(name)}, elementwise");
        Assert.That(layer.Layer.Parameters, Is.Empty, $"{name} has no parameters");
    }

    [TestCase("Tanh"), TestCase("Sigmoid"), TestCase("ReLU"), Points(3)]
    public void Backward_MatchesCentralDifferences(string name)
    {
        using var seeded = new Seeded(302);
        var x = AwayFromZero(seeded, [3, 5]);
        var weights = seeded.Randn([3, 5], ScalarType.Float64);
        var layer = Make(name);
        var expectedY = Expected(name, x);
        double Loss() => layer.Forward(x).square().mul(weights).sum().ToDouble(); // L = Σ weights ⊙ y²

        var y = layer.Forward(x);
        var gradInput = layer.Backward(2 * y * weights);
        var numeric = NumericalGradient.Central(Loss, x);

        TensorAssert.Close(gradInput, numeric, Differences.Tolerance, $"{name}.Backward(gradOutput) (dL/dx) vs central differences");
        TensorAssert.Close(y, expectedY, name:
            $"{name}.Forward(x) whose differences were taken: expected {name.ToLowerInvariant()}(x) elementwise (the gradient agrees with your Forward, but it is not {name})");
    }
}
