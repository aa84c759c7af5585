using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hw7.Sae.Tests;

public sealed class SaeAdamTests : TorchTest
{
    // SaeAdam is given: this checks the course's optimiser (no points), so that a failure elsewhere is never its fault.
    [Test, Points(0)]
    public void SaeAdam_TakesTheSameStepsAsTorchAdam()
    {
        using var seeded = new Seeded(730);
        var start = seeded.Randn([4, 3], ScalarType.Float64);
        var target = seeded.Randn([4, 3], ScalarType.Float64);
        var ours = new Parameter(start.clone());
        var theirs = new Parameter(start.clone());
        var saeAdam = new SaeAdam([ours], lr: 0.05, beta1: 0.8, beta2: 0.95, eps: 1e-6);
        var torchAdam = optim.Adam([theirs], lr: 0.05, beta1: 0.8, beta2: 0.95, eps: 1e-6);

        for (int step = 0; step < 6; step++)
        {
            saeAdam.ZeroGrad();
            (ours - target).pow(3).abs().sum().backward();
            saeAdam.Step();
            torchAdam.zero_grad();
            (theirs - target).pow(3).abs().sum().backward();
            torchAdam.step();
            TensorAssert.Close(ours.detach(), theirs.detach(), name: $"the parameter after step {step + 1} of SaeAdam and of torch.optim.Adam");
        }
        Assert.That(saeAdam.Steps, Is.EqualTo(6));
        Assert.That(saeAdam.MomentsOf(ours).ExpAvg.abs().sum().ToDouble(), Is.GreaterThan(0), "the first moment is kept");
    }
}
