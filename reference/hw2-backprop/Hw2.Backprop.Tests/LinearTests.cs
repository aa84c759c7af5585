using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw2.Backprop.Tests;

public sealed class LinearTests : TorchTest
{
    /// <summary>
    /// A float64 Linear holding the test's own draws, and those draws: W from N(0, 1/d_in) and b from N(0, 1), nonzero (the
    /// constructor's zero biases would hide a missing + b). What a test expects is computed from the draws, never from the
    /// values the constructor chose: a Linear made with zero weights would make dL/dx = gradOutput W^T zero, so that a
    /// Backward without it passed (red team 17, a02). W and b are read once, for the write, and returned: a test takes its
    /// differences along these objects and reads the gradients Backward left on them, never a second read of <c>linear.W</c>,
    /// which a property could answer with a decoy whose differences and Grad are both zero (red team 17C, c01).
    /// </summary>
    internal static (Linear Layer, Parameter Weight, Parameter Bias, Tensor W, Tensor b) RandomLinear(Seeded seeded, long d_in, long d_out)
    {
        var linear = new Linear(d_in, d_out, seeded.Generator, ScalarType.Float64, Device);
        var (weight, bias) = (linear.W, linear.b);
        var (w, b) = (seeded.Randn([d_in, d_out], ScalarType.Float64) / Math.Sqrt(d_in), seeded.Randn([d_out], ScalarType.Float64));
        TestWeights.Write([("Linear.W", weight.Value, w), ("Linear.b", bias.Value, b)]);
        return (linear, weight, bias, w, b);
    }

    [Test, Points(2)]
    public void Forward_IsXTimesWPlusB()
    {
        using var seeded = new Seeded(200);
        var (linear, _, _, w, b) = RandomLinear(seeded, 5, 3);
        var x = seeded.Randn([4, 5], ScalarType.Float64);

        var expected = x.matmul(w) + b;
        var y = linear.Forward(x);

        TensorAssert.Shape(y, [4, 3], "Linear(5, 3).Forward(x [4, 5]) [batch, d_out]");
        TensorAssert.Close(y, expected, name: "Linear.Forward(x): expected x W + b, with W [d_in, d_out]");
    }

    [Test, Points(5)]
    public void Backward_MatchesAutograd_ForTheInputTheWeightsAndTheBias()
    {
        using var seeded = new Seeded(201);
        var (linear, weight, bias, w, b) = RandomLinear(seeded, 5, 3);
        var x = seeded.Randn([4, 5], ScalarType.Float64);
        var gradOutput = seeded.Randn([4, 3], ScalarType.Float64); // dL/dy for L = sum(gradOutput * y)

        var xLeaf = x.detach().clone().requires_grad_(true);
        var wLeaf = w.detach().clone().requires_grad_(true);
        var bLeaf = b.detach().clone().requires_grad_(true);
        (xLeaf.matmul(wLeaf) + bLeaf).mul(gradOutput).sum().backward();

        linear.Forward(x);
        var gradInput = linear.Backward(gradOutput);

        TensorAssert.Close(weight.Grad, wLeaf.grad!, name: "W.Grad after Linear.Backward, dL/dW [d_in, d_out] (x^T gradOutput)");
        TensorAssert.Close(bias.Grad, bLeaf.grad!, name: "b.Grad after Linear.Backward, dL/db [d_out] (gradOutput summed over the batch)");
        TensorAssert.Close(gradInput, xLeaf.grad!, name: "Linear.Backward(gradOutput), dL/dx [batch, d_in] (gradOutput W^T)");
        Assert.That(x.IsInvalid, Is.False,
            "x, the input of Linear.Forward, was disposed by Linear.Backward: it is the caller's tensor (in an Mlp, the layer below's output, which that layer's Backward still needs); never dispose what you were given or keep in Input (no using var on it)");
    }

    [Test, Points(3)]
    public void Backward_MatchesCentralDifferences()
    {
        using var seeded = new Seeded(202);
        var (linear, weight, bias, w, b) = RandomLinear(seeded, 4, 3);
        var x = seeded.Randn([3, 4], ScalarType.Float64);
        var weights = seeded.Randn([3, 3], ScalarType.Float64);
        var expectedY = x.matmul(w) + b; // differences of a wrong Forward would check nothing
        double Loss() => linear.Forward(x).sin().mul(weights).sum().ToDouble(); // L = Σ weights ⊙ sin(y)

        // The differences nudge the tensors the test wrote its draws into, W and b as read for the write (not read again).
        var numericW = NumericalGradient.Central(Loss, weight.Value);
        var numericB = NumericalGradient.Central(Loss, bias.Value);
        var numericX = NumericalGradient.Central(Loss, x);
        var y = linear.Forward(x);
        var gradInput = linear.Backward(y.cos() * weights);

        TensorAssert.Close(weight.Grad, numericW, Differences.Tolerance, "W.Grad vs central differences");
        TensorAssert.Close(bias.Grad, numericB, Differences.Tolerance, "b.Grad vs central differences");
        TensorAssert.Close(gradInput, numericX, Differences.Tolerance, "Linear.Backward(gradOutput) (dL/dx) vs central differences");
        TensorAssert.Close(y, expectedY, name:
            "Linear.Forward(x) whose differences were taken: expected x W + b (the gradients agree with your Forward, but it is not the layer's function)");
    }
}
