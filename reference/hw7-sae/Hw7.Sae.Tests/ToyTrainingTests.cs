using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw7.Sae.Tests;

/// <summary>Short runs that check the training loop's contract; the hidden tests train to the paper's pictures.</summary>
public sealed class ToyTrainingTests : TorchTest
{
    // Every run here: 4 instances of 5 features in 2 dimensions, at sparsities 0 to 0.99, weighted by 0.9^i.
    static Tensor Sparsity => tensor(new[] { 0.0, 0.5, 0.9, 0.99 });

    static Tensor Weights => Importance.Geometric(5, 0.9);

    static ToyModel NewModel(Generator generator)
    {
        var model = new ToyModel(4, 5, 2, generator);
        model.to(Device);
        return model;
    }

    static Tensor Batch(long size, Generator generator) => SyntheticFeatures.Generate(size, Sparsity, 5, generator, Device);

    static ToyModel Train(long seed, ToyTrainingOptions options, out Tensor losses)
    {
        using var generator = new Generator((ulong)seed, CPU);
        var model = NewModel(generator);
        losses = ToyTraining.Train(model, Sparsity, Weights, options, generator);
        return model;
    }

    [Test, Points(1)]
    public void Train_ReturnsEachStepsLoss_WhichFallsAsAllInstancesLearn()
    {
        var options = new ToyTrainingOptions(Steps: 300, BatchSize: 256, Lr: 1e-2);

        var model = Train(730, options, out var losses);

        TensorAssert.Shape(losses, [300], "the losses: one per step");
        Assert.That(losses.device_type, Is.EqualTo(DeviceType.CPU), "the losses: on the CPU");
        Assert.That(losses.dtype, Is.EqualTo(ScalarType.Float32), "the losses' dtype: float32, as the doc says (make the tensor that collects them float32, or convert before returning)");
        TensorAssert.AllFinite(losses, "the losses");
        Assert.That(losses.requires_grad, Is.False,
            "the losses require grad: they hold every step's autograd graph (and its activations) alive; keep each step's loss detached (loss.detach(), under no_grad)");
        double first = losses[..20].mean().ToDouble(), last = losses[^20..].mean().ToDouble();
        // The reference goes from 0.154 to 0.084 (ratio 0.55), and each instance's loss on fresh data falls 2 to 14 times
        // (0.160 → 0.038 for the dense one, 0.0014 → 0.0001 for S = 0.99). A loop that never updates W, or updates it away
        // from the gradient, stays near 1 or climbs: the means of 20 batches of 256 rows move by a few percent at most.
        Assert.That(last, Is.Not.NaN.And.LessThan(0.8 * first), $"mean loss of the last 20 steps ({last:F4}) against the first 20 ({first:F4})");
        using var noGrad = no_grad();
        using var fresh = new Generator(1, CPU);
        var batch = Batch(2048, fresh);
        var untrained = Train(730, options with { Steps = 0 }, out _);
        var before = ToyLoss.PerInstance(untrained.call(batch.clone()), batch, Weights.to(Device));
        var after = ToyLoss.PerInstance(model.call(batch), batch, Weights.to(Device));
        for (int i = 0; i < 4; i++)
            Assert.That(after[i].ToDouble(), Is.Not.NaN.And.LessThan(before[i].ToDouble()), $"instance {i}'s loss on fresh data after training against before: every instance is trained");
    }

    [Test, Points(1)]
    public void Train_WithTheSameSeed_GivesTheSameModel_FromAFreshBatchEachStep_AndTheScheduleChangesIt_RecordingEachLossBeforeItsStep()
    {
        var options = new ToyTrainingOptions(Steps: 40, BatchSize: 64, Lr: 1e-1);

        var a = Train(731, options, out var lossesA);
        var b = Train(731, options, out var lossesB);
        var cosine = Train(731, options with { Schedule = LrSchedule.Cosine }, out _);

        TensorAssert.Close(b.W, a.W, name: "W after training twice with the same seed: draw the batches from the generator you are given");
        TensorAssert.Close(lossesB, lossesA, name: "the losses of two runs with the same seed");
        var change = (cosine.W - a.W).abs().max().ToDouble();
        Assert.That(change, Is.GreaterThan(1e-3), "the largest change in W from a cosine schedule instead of a constant one: set the learning rate to options.LrAt(step) before each step");

        // Step 0 learns at LrAt(0) = Lr, so even a one-step Linear schedule moves W (LrAt(1) of one step is 0).
        var untrained = Train(731, options with { Steps = 0 }, out _);
        var once = Train(731, options with { Steps = 1, Schedule = LrSchedule.Linear }, out var onceLosses);
        Assert.That((once.W - untrained.W).abs().max().ToDouble(), Is.GreaterThan(1e-3),
            "the largest change in W from one step of a Linear schedule, whose step 0 learns at LrAt(0) = Lr: set the learning rate to options.LrAt(step), counting steps from 0");

        // Three steps of a Linear schedule against the same three steps written out, step i at LrAt(i) (Lr, 2/3 Lr, 1/3 Lr).
        var linear = options with { Steps = 3, Schedule = LrSchedule.Linear };
        var scheduled = Train(731, linear, out _);
        using (var written = new Generator(731, CPU))
        {
            var model = NewModel(written);
            var adam = optim.Adam(model.parameters(), lr: linear.Lr);
            for (int step = 0; step < linear.Steps; step++)
            {
                foreach (var group in adam.ParamGroups) group.LearningRate = linear.LrAt(step);
                adam.zero_grad();
                var batch = Batch(linear.BatchSize, written);
                ToyLoss.Of(model.call(batch), batch, Weights.to(Device)).backward();
                adam.step();
            }
            TensorAssert.Close(scheduled.W, model.W, name: "W after 3 steps of a Linear schedule vs 3 Adam steps written out, step i at options.LrAt(i): " +
                "set the learning rate before each step's optimizer.step(), not after it (that runs step i at LrAt(i - 1))");
        }

        // With a learning rate of 0 nothing moves, so step i's loss is the untrained model's loss on the i-th batch the generator gives.
        Train(731, options with { Steps = 3, Lr = 0 }, out var frozen);
        using var replay = new Generator(731, CPU);
        var twin = NewModel(replay);
        var expected = new double[3];
        using (no_grad())
            for (int step = 0; step < 3; step++)
            {
                var batch = Batch(options.BatchSize, replay);
                expected[step] = ToyLoss.Of(twin.call(batch), batch, Weights.to(Device)).ToDouble();
            }
        TensorAssert.Close(frozen.to(ScalarType.Float64), tensor(expected), Tolerance.For(ScalarType.Float32, Device.type),
            "the losses of 3 steps at Lr = 0 vs the untrained model's loss on 3 batches drawn one after another from the same generator: draw a fresh batch " +
            "with SyntheticFeatures.Generate(options.BatchSize, ...) at every step");
        // The one step at Lr = 0.1 above moved W, but the loss it records is the one its update followed: the untrained model's on its batch.
        TensorAssert.Close(onceLosses[..1].to(ScalarType.Float64), tensor(expected[..1]), Tolerance.For(ScalarType.Float32, Device.type),
            "the loss recorded for the one step of a run at Lr = 0.1 vs the untrained model's loss on the first batch: record each step's loss before optimizer.step(), not recomputed after it");
    }
}
