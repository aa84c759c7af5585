using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw2.Backprop.Tests;

public sealed class SgdTests : TorchTest
{
    [Test, Points(3)]
    public void Step_SubtractsLearningRateTimesGrad_InPlace()
    {
        using var seeded = new Seeded(600);
        var w = new Parameter("w", seeded.Randn([3, 2], ScalarType.Float64));
        var v = new Parameter("v", seeded.Randn([4], ScalarType.Float64));
        w.Grad = seeded.Randn([3, 2], ScalarType.Float64);
        v.Grad = seeded.Randn([4], ScalarType.Float64);
        var sameW = w.Value; // a layer holds on to this tensor
        var expectedW = w.Value - 0.1 * w.Grad;
        var expectedV = v.Value - 0.1 * v.Grad;

        new Sgd([w, v], lr: 0.1).Step();

        TensorAssert.Close(sameW, expectedW, name: "w.Value after Sgd.Step(), with lr 0.1: expected w - lr * w.Grad, written into the same tensor (sub_)");
        TensorAssert.Close(v.Value, expectedV, name: "v.Value after Sgd.Step(): every parameter is updated");
    }

    [Test, Points(1)]
    public void Step_LeavesParametersWithoutAGradientAsTheyAre()
    {
        using var seeded = new Seeded(601);
        var w = new Parameter("w", seeded.Randn([3], ScalarType.Float64));
        var before = w.Value.clone();

        new Sgd([w], lr: 0.5).Step();

        TensorAssert.Close(w.Value, before, Tolerance.Exact, "a parameter whose Grad is null after Sgd.Step() (skip it)");
    }
}
