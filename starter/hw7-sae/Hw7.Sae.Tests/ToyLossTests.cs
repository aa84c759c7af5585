using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw7.Sae.Tests;

public sealed class ToyLossTests : TorchTest
{
    [Test, Points(1)]
    public void Loss_IsTheImportanceWeightedSquaredError_AveragedOverBatchAndFeatures_SummedOverInstances()
    {
        // 2 rows, 2 instances, 3 features, written out by hand.
        var features = tensor(new float[,,] { { { 1, 0, 0.5f }, { 0, 0, 0 } }, { { 0, 1, 0 }, { 1, 1, 1 } } }).to(Device);
        var output = tensor(new float[,,] { { { 0, 0, 0.5f }, { 0, 1, 0 } }, { { 0, 0, 0 }, { 0.5f, 1, 1 } } }).to(Device);
        var importance = tensor(new float[] { 1, 0.5f, 0.25f }).to(Device);
        // Instance 0: errors² (1, 0, 0) and (0, 1, 0), weighted 1·1 + 0.5·1 = 1.5 over 2 rows × 3 features = 0.25.
        // Instance 1: errors² (0, 1, 0) and (0.25, 0, 0), weighted 0.5·1 + 1·0.25 = 0.75 over 6 = 0.125.
        var expected = tensor(new float[] { 0.25f, 0.125f }).to(Device);

        var perInstance = ToyLoss.PerInstance(output, features, importance);
        var total = ToyLoss.Of(output, features, importance);

        TensorAssert.Close(perInstance, expected, name: "PerInstance: mean over rows and features of I_f (x - x')², one per instance");
        TensorAssert.Close(total, tensor(0.375f).to(Device), name: "Of: PerInstance summed over the instances (a scalar)");
    }

    [Test, Points(1)]
    public void Loss_MatchesTheReference_WithAnImportancePerInstance()
    {
        using var seeded = new Seeded(720);
        using var golden = Golden.Open("toy_loss");
        var features = golden.Input("features", () => SyntheticFeatures.Generate(16, tensor(new[] { 0.0, 0.5, 0.9 }), 4, seeded.Generator));
        var output = golden.Input("output", () => seeded.Rand([16, 3, 4]).cpu());
        var importance = golden.Input("importance", () => seeded.Rand([3, 4]).cpu()); // [n_inst, n_features]
        output.requires_grad_(true);

        var perInstance = ToyLoss.PerInstance(output, features, importance);
        var total = ToyLoss.Of(output, features, importance);
        total.backward();

        golden.AssertClose("per_instance", perInstance, "ToyLoss.PerInstance [n_inst]: the mean over batch and features of importance · (x − x')²", axes: ["instance"]);
        golden.AssertClose("total", total, "ToyLoss.Of, PerInstance summed over the instances (a scalar)");
        golden.AssertClose("output_grad", output.grad!, "output.grad [16, 3, 4] after ToyLoss.Of(output, features, importance).backward()", axes: ["batch", "instance", "feature"]);
    }
}
