using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw2.Backprop.Tests;

public sealed class SgdTests : TorchTest
{
    [Test, Points(3)]
    public void Step_SubtractsLearningRateTimesGrad_InPlace_AndLeavesGradAsItIs()
    {
        using var seeded = new Seeded(600);
        var w = new Parameter("w", seeded.Randn([3, 2], ScalarType.Float64));
        var v = new Parameter("v", seeded.Randn([4], ScalarType.Float64));
        w.Grad = seeded.Randn([3, 2], ScalarType.Float64);
        v.Grad = seeded.Randn([4], ScalarType.Float64);
        // a gradient of norm about 100 * sqrt(12), far above the few units of the others: plain SGD takes it whole
        var u = new Parameter("u", seeded.Randn([3, 4], ScalarType.Float64));
        u.Grad = 100 * seeded.Randn([3, 4], ScalarType.Float64);
        var sameW = w.Value; // a layer holds on to this tensor
        var expectedW = w.Value - 0.1 * w.Grad;
        var expectedV = v.Value - 0.1 * v.Grad;
        var expectedU = u.Value - 0.1 * u.Grad;
        var gradW = w.Grad.clone();

        new Sgd([w, v, u], lr: 0.1).Step();

        TensorAssert.Close(sameW, expectedW, name: "w.Value after Sgd.Step(), with lr 0.1: expected w - lr * w.Grad, written into the same tensor (sub_)");
        TensorAssert.Close(v.Value, expectedV, name: "v.Value after Sgd.Step(): every parameter is updated");
        TensorAssert.Close(u.Value, expectedU, name: "u.Value after Sgd.Step(), whose Grad has norm about 350: expected u - lr * u.Grad " +
            "whatever the gradient's size (plain SGD; clipping or normalising a large gradient changes the step)");
        TensorAssert.Close(w.Grad, gradW, Tolerance.Exact,
            "w.Grad after Sgd.Step(): unchanged (Step only reads the gradient; Grad.mul_(lr) would scale it in place)");
    }

    [Test, Points(1)]
    public void Step_LeavesParametersWithoutAGradientAsTheyAre_AndUpdatesTheOthers()
    {
        using var seeded = new Seeded(601);
        var w = new Parameter("w", seeded.Randn([3], ScalarType.Float64));
        var v = new Parameter("v", seeded.Randn([2], ScalarType.Float64));
        v.Grad = seeded.Randn([2], ScalarType.Float64);
        var before = w.Value.clone();
        var expectedV = v.Value - 0.5 * v.Grad;

        new Sgd([w, v], lr: 0.5).Step();

        TensorAssert.Close(w.Value, before, Tolerance.Exact, "a parameter whose Grad is null after Sgd.Step() (skip it)");
        TensorAssert.Close(v.Value, expectedV, name: "a parameter with a Grad after one without: still updated (skip the null one and go on, continue rather than break)");
    }
}
