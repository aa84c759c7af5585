using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw2.Backprop.Tests;

public sealed class LinearTests : TorchTest
{
    /// <summary>A float64 Linear with random, nonzero biases (the constructor's are zero, which would hide a missing + b).</summary>
    internal static Linear RandomLinear(Seeded seeded, long d_in, long d_out)
    {
        var linear = new Linear(d_in, d_out, seeded.Generator, ScalarType.Float64, Device);
        linear.b.Value.copy_(seeded.Randn([d_out], ScalarType.Float64));
        return linear;
    }

    [Test, Points(2)]
    public void Forward_IsXTimesWPlusB()
    {
        using var seeded = new Seeded(200);
        var linear = RandomLinear(seeded, 5, 3);
        var x = seeded.Randn([4, 5], ScalarType.Float64);

        var expected = x.matmul(linear.W.Value) + linear.b.Value;
        var y = linear.Forward(x);

        TensorAssert.Shape(y, [4, 3], "Linear(5, 3).Forward(x [4, 5]) [batch, d_out]");
        TensorAssert.Close(y, expected, name: "Linear.Forward(x): expected x W + b, with W [d_in, d_out]");
    }

    [Test, Points(5)]
    public void Backward_MatchesAutograd_ForTheInputTheWeightsAndTheBias()
    {
        using var seeded = new Seeded(201);
        var linear = RandomLinear(seeded, 5, 3);
        var x = seeded.Randn([4, 5], ScalarType.Float64);
        var gradOutput = seeded.Randn([4, 3], ScalarType.Float64); // dL/dy for L = sum(gradOutput * y)

        var xLeaf = x.detach().clone().requires_grad_(true);
        var wLeaf = linear.W.Value.detach().clone().requires_grad_(true);
        var bLeaf = linear.b.Value.detach().clone().requires_grad_(true);
        (xLeaf.matmul(wLeaf) + bLeaf).mul(gradOutput).sum().backward();

        linear.Forward(x);
        var gradInput = linear.Backward(gradOutput);

        TensorAssert.Close(linear.W.Grad, wLeaf.grad!, name: "W.Grad after Linear.Backward, dL/dW [d_in, d_out] (x^T gradOutput)");
        TensorAssert.Close(linear.b.Grad, bLeaf.grad!, name: "b.Grad after Linear.Backward, dL/db [d_out] (gradOutput summed over the batch)");
        TensorAssert.Close(gradInput, xLeaf.grad!, name: "Linear.Backward(gradOutput), dL/dx [batch, d_in] (gradOutput W^T)");
        Assert.That(x.IsInvalid, Is.False,
            "x, the input of Linear.Forward, was disposed by Linear.Backward: it is the caller's tensor (in an Mlp, the layer below's output, which that layer's Backward still needs); never dispose what you were given or keep in Input (no using var on it)");
    }

    [Test, Points(3)]
    public void Backward_MatchesCentralDifferences()
    {
        using var seeded = new Seeded(202);
        var linear = RandomLinear(seeded, 4, 3);
        var x = seeded.Randn([3, 4], ScalarType.Float64);
        var weights = seeded.Randn([3, 3], ScalarType.Float64);
        var expectedY = x.matmul(linear.W.Value) + linear.b.Value; // differences of a wrong Forward would check nothing
        double Loss() => linear.Forward(x).sin().mul(weights).sum().ToDouble(); // L = Σ weights ⊙ sin(y)

        var numericW = NumericalGradient.Central(Loss, linear.W.Value);
        var numericB = NumericalGradient.Central(Loss, linear.b.Value);
        var numericX = NumericalGradient.Central(Loss, x);
        var y = linear.Forward(x);
        var gradInput = linear.Backward(y.cos() * weights);

        TensorAssert.Close(linear.W.Grad, numericW, Differences.Tolerance, "W.Grad vs central differences");
        TensorAssert.Close(linear.b.Grad, numericB, Differences.Tolerance, "b.Grad vs central differences");
        TensorAssert.Close(gradInput, numericX, Differences.Tolerance, "Linear.Backward(gradOutput) (dL/dx) vs central differences");
        TensorAssert.Close(y, expectedY, name:
            "Linear.Forward(x) whose differences were taken: expected x W + b (the gradients agree with your Forward, but it is not the layer's function)");
    }
}
