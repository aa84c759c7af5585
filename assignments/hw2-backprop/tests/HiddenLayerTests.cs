using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw2.Backprop.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenLayerTests : TorchTest
{
    /// <summary>
    /// A float64 Linear holding the test's own draws (W from N(0, 1/d_in), b from N(0, 1)), its W and b as written (read
    /// once: see <see cref="Checks.ParametersOf"/>), and those draws.
    /// </summary>
    static (Linear Layer, Parameter Weight, Parameter Bias, Tensor W, Tensor b) RandomLinear(Seeded seeded, long d_in, long d_out)
    {
        var linear = new Linear(d_in, d_out, seeded.Generator, ScalarType.Float64, Device);
        var (drawn, parameters) = Checks.WriteWeights([linear], [d_in, d_out], seeded, weightScale: 1 / Math.Sqrt(d_in), biasScale: 1);
        var (w, b) = drawn.Single();
        return (linear, parameters[0], parameters[1], w, b);
    }

    [Test, Points(2)]
    public void Linear_Backward_MatchesAutograd_ForABatchOfOne_AndForAWideLayer()
    {
        using var seeded = new Seeded(1200);
        // A batch of one, a layer one wide (a regression head), and a wide layer: no dimension of size 1 may be squeezed away.
        foreach (var (batch, d_in, d_out) in new[] { (1L, 6L, 4L), (5L, 3L, 1L), (9L, 17L, 11L) })
        {
            var (linear, weight, bias, w, b) = RandomLinear(seeded, d_in, d_out);
            var x = seeded.Randn([batch, d_in], ScalarType.Float64);
            var gradOutput = seeded.Randn([batch, d_out], ScalarType.Float64);
            var (xLeaf, wLeaf, bLeaf) = (Checks.Leaf(x), Checks.Leaf(w), Checks.Leaf(b));
            var expectedY = xLeaf.matmul(wLeaf) + bLeaf; // [batch, d_out]
            expectedY.mul(gradOutput).sum().backward();

            var what = $"Linear({d_in}, {d_out}) with a batch of {batch}";
            TensorAssert.Close(linear.Forward(x), expectedY.detach(), name: $"Linear.Forward of {what}: x W + b, [batch, d_out] (no squeeze)");
            var gradInput = linear.Backward(gradOutput);

            TensorAssert.Close(weight.Grad, wLeaf.grad!, name: $"W.Grad of {what}");
            TensorAssert.Close(bias.Grad, bLeaf.grad!, name: $"b.Grad of {what} (sum over the batch dimension only, keeping [d_out])");
            TensorAssert.Close(gradInput, xLeaf.grad!, name: $"dL/dx of {what}");
        }

        // Float32, the dtype Linear and Mlp make by default: the gradients keep it. (A float64 tensor made in Backward, a
        // row of ones say, meeting the float32 gradOutput in a matmul stops the test process: libtorch aborts there.)
        var linear32 = new Linear(5, 3, seeded.Generator, ScalarType.Float32, Device);
        var (weight32, bias32) = (linear32.W, linear32.b); // read once
        var (w32, b32) = (seeded.Randn([5, 3], ScalarType.Float32) / Math.Sqrt(5), seeded.Randn([3], ScalarType.Float32));
        TestWeights.Write([("Linear.W of a float32 Linear", weight32.Value, w32), ("Linear.b of a float32 Linear", bias32.Value, b32)]);
        var x32 = seeded.Randn([4, 5], ScalarType.Float32);
        var gradOutput32 = seeded.Randn([4, 3], ScalarType.Float32);
        var expectedY32 = x32.matmul(w32) + b32; // [4, 3] float32
        var (expectedW32, expectedB32, expectedX32) = (x32.T.matmul(gradOutput32), gradOutput32.sum(dim: 0), gradOutput32.matmul(w32.T));
        // Its output keeps float32 too: a float64 one would go on into the next layer's float32 matmuls.
        TensorAssert.Close(linear32.Forward(x32), expectedY32, name: "Linear.Forward of a float32 Linear: x W + b in float32, like its weights (compute in their dtype, or convert back)");
        var gradInput32 = linear32.Backward(gradOutput32);
        TensorAssert.Close(weight32.Grad, expectedW32, name: "W.Grad of a float32 Linear: float32, like its weights (make every tensor of Backward in their dtype, not float64)");
        TensorAssert.Close(bias32.Grad, expectedB32, name: "b.Grad of a float32 Linear: float32, like its bias (sum gradOutput over the batch; a float64 row of ones makes it float64)");
        TensorAssert.Close(gradInput32, expectedX32, name: "Linear.Backward of a float32 gradient, dL/dx: float32, like the input");
    }

    [Test, Points(2)]
    public void Backward_ReplacesTheGradients_InsteadOfAddingToThem_AndUsesTheLastForward()
    {
        using var seeded = new Seeded(1201);
        var (linear, weight, bias, _, _) = RandomLinear(seeded, 4, 3);
        var first = seeded.Randn([5, 4], ScalarType.Float64);
        var x = seeded.Randn([5, 4], ScalarType.Float64);
        var gradOutput = seeded.Randn([5, 3], ScalarType.Float64);

        linear.Forward(first);
        linear.Backward(seeded.Randn([5, 3], ScalarType.Float64));
        var (expectedW, expectedB) = (x.T.matmul(gradOutput), gradOutput.sum(dim: 0));
        linear.Forward(x);
        linear.Backward(gradOutput);

        TensorAssert.Close(weight.Grad, expectedW, name:
            "W.Grad after a second Forward(x) and Backward(gradOutput): it must be this pass's gradient alone (assign Grad, do not add to it)");
        TensorAssert.Close(bias.Grad, expectedB, name: "b.Grad after a second Forward and Backward (assign, do not add)");
    }

    [Test, Points(2)]
    public void ForwardAndBackward_LeaveTheirArgumentsUnchanged()
    {
        using var seeded = new Seeded(1202);
        var (linear, _, _, w, b) = RandomLinear(seeded, 4, 4);
        var layers = new (string Name, ILayer Layer)[]
        {
            ("Linear", linear), ("Tanh", new Tanh()), ("Sigmoid", new Sigmoid()), ("ReLU", new ReLU()),
        };
        foreach (var (name, layer) in layers)
        {
            var x = Checks.AwayFromZero(seeded, [3, 4]);
            var gradOutput = seeded.Randn([3, 4], ScalarType.Float64);
            var (xBefore, gradBefore) = (x.clone(), gradOutput.clone());
            // The same call's values, by autograd on copies taken before it.
            var leaf = Checks.Leaf(x);
            var expectedY = name == "Linear" ? leaf.matmul(w) + b : Checks.TorchActivation(name, leaf);
            expectedY.mul(gradOutput).sum().backward();

            var y = layer.Forward(x);
            var yBefore = y.clone();
            TensorAssert.Close(x, xBefore, Tolerance.Exact, $"x after {name}.Forward(x) (use out-of-place ops: tanh, not tanh_)");
            var gradInput = layer.Backward(gradOutput);
            TensorAssert.Close(gradOutput, gradBefore, Tolerance.Exact, $"gradOutput after {name}.Backward(gradOutput) (use out-of-place ops: mul, not mul_)");
            TensorAssert.Close(y, yBefore, Tolerance.Exact,
                $"{name}.Forward's output after {name}.Backward: the next layer holds it as its input, so compute the derivative into a new tensor (y * y or y * (1 - y), not mul_ on y)");
            TensorAssert.Close(y, expectedY.detach(), name: $"{name}.Forward(x) of this call: expected {(name == "Linear" ? "x W + b" : name.ToLowerInvariant() + "(x)")}");
            TensorAssert.Close(gradInput, leaf.grad!, name: $"{name}.Backward(gradOutput) of this call, dL/dx: expected what autograd gives");
        }
    }

    [TestCase("Tanh"), TestCase("Sigmoid"), TestCase("ReLU"), Points(3)]
    public void Activation_Backward_MatchesAutograd_OnAThreeDimensionalInput_InFloat64AndFloat32(string name)
    {
        using var seeded = new Seeded(1203);
        var x = Checks.AwayFromZero(seeded, [2, 3, 5]) * 1.5;
        var gradOutput = seeded.Randn([2, 3, 5], ScalarType.Float64);
        var leaf = Checks.Leaf(x);
        Checks.TorchActivation(name, leaf).mul(gradOutput).sum().backward();

        var layer = Checks.Activation(name);
        var expected = Checks.TorchActivation(name, x);
        var (x32, gradOutput32, expectedGrad32) = (x.to(ScalarType.Float32), gradOutput.to(ScalarType.Float32), leaf.grad!.to(ScalarType.Float32));
        TensorAssert.Close(layer.Forward(x), expected, name: $"{name}.Forward of a [2, 3, 5] input (activations work elementwise on any shape)");
        Checks.AssertWrittenOut(layer.Backward(gradOutput), leaf.grad!, $"{name}.Backward of a [2, 3, 5] gradient");
        // Float32, the default dtype of Linear and Mlp: a float64 gradient would stop the Linear below it.
        var layer32 = Checks.Activation(name);
        layer32.Forward(x32);
        TensorAssert.Close(layer32.Backward(gradOutput32), expectedGrad32, name: $"{name}.Backward of a float32 gradient: float32, the input's dtype (build masks and derivatives in it)");
    }

    [TestCase("Tanh"), TestCase("Sigmoid"), TestCase("ReLU"), Points(2)]
    public void Activation_StaysFinite_ForInputsInTheHundreds(string name)
    {
        // ReLU is max(x, 0) for every x, so at -inf it is 0 (not -inf * 0 = NaN) and at +inf it is +inf.
        double[] values = name == "ReLU" ? [double.NegativeInfinity, -800, -40, 0.5, 40, 800, double.PositiveInfinity] : [-800, -40, 0.5, 40, 800];
        var x = tensor(values, ScalarType.Float64).to(Device);
        var layer = Checks.Activation(name);

        var y = layer.Forward(x.clone());
        var gradInput = layer.Backward(ones_like(x));

        TensorAssert.Close(y, Checks.TorchActivation(name, x), name: name == "ReLU"
            ? "ReLU.Forward at ±40, ±800 and ±inf: max(x, 0), which is 0 at -inf (x times the mask x > 0 gives -inf * 0 = NaN there: use x.relu(), clamp_min(0) or where(x > 0, x, 0))"
            : $"{name}.Forward at ±40 and ±800 (exp overflows there: use x.{name.ToLowerInvariant()}() or a stable form)");
        TensorAssert.AllFinite(gradInput, $"{name}.Backward at {(name == "ReLU" ? "±40, ±800 and ±inf" : "±40 and ±800")}");
    }

    [Test, Points(1)]
    public void ReLU_Backward_AtExactlyZero_IsZero_AsInPyTorch()
    {
        // Exact zeros (and a -0.0) among positive and negative inputs: the kink itself, which the other tests keep away from.
        using var seeded = new Seeded(1204);
        var x = tensor(new[] { -1.5, 0.0, 2.0, 0.0, 0.5, -0.0, 0.0, -2.0, 3.0, 0.0, 1.0, -0.5 }, ScalarType.Float64).reshape(3, 4).to(Device);
        var gradOutput = seeded.Randn([3, 4], ScalarType.Float64) + 3; // about 3, never 0: a gradient let through at x = 0 shows
        var relu = new ReLU();

        TensorAssert.Close(relu.Forward(x.clone()), x.relu(), name: "ReLU.Forward(x) with exact zeros in x (max(x, 0) is 0 there)");
        var gradInput = relu.Backward(gradOutput.clone());

        TensorAssert.Shape(gradInput, [3, 4], "ReLU.Backward(gradOutput)");
        var atZero = x.eq(0).cpu().flatten().data<bool>().ToArray();
        var got = Values(gradInput);
        var given = Values(gradOutput);
        var leaked = Enumerable.Range(0, atZero.Length).Where(i => atZero[i] && got[i] != 0).ToList();
        if (leaked.Count > 0)
        {
            int i = leaked[0];
            Assert.Fail($"ReLU.Backward at x = 0: expected dL/dx = 0 (the derivative at the kink is 0, as in PyTorch and the handout), " +
                $"but {leaked.Count} of the {atZero.Count(z => z)} zero inputs let the gradient through, e.g. at index [{i / 4}, {i % 4}]: " +
                $"got {got[i]:G6} where gradOutput is {given[i]:G6}. Is the mask x >= 0 instead of x > 0?");
        }
        TensorAssert.Close(gradInput, gradOutput * x.gt(0).to_type(ScalarType.Float64), name:
            "ReLU.Backward(gradOutput) where x has exact zeros: gradOutput where x > 0, else 0");
    }

    static double[] Values(Tensor t) => t.detach().cpu().to_type(ScalarType.Float64).contiguous().flatten().data<double>().ToArray();
}
