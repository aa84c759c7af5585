using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw7.Sae.Tests;

public sealed class SaeTrainingTests : TorchTest
{
    /// <summary>
    /// The loss <c>Mse + λ L1</c> of SAE weights on <paramref name="x"/> (the test's own draws, or the trained parameters read
    /// back), by the homework's own <see cref="SaeLoss.Of"/>, which its own tests pin, on a fresh SAE the test writes the
    /// weights into: what is measured is what the weights do, never a loss Train reports or one an SAE that trained could
    /// remember. The public tests carry no implementation of what the homework asks for; the hidden tests measure with
    /// trusted code of their own.
    /// </summary>
    static double LossOf((Tensor W_enc, Tensor b_enc, Tensor W_dec, Tensor b_dec) w, Tensor x, double l1Coefficient, Device device)
    {
        using var scope = NewDisposeScope();
        var fresh = new SparseAutoencoder(d_in: 8, d_sae: 24, seed: 0).to(device);
        TestWeights.Write([("SparseAutoencoder.W_enc", fresh.W_enc, w.W_enc.detach().to(device)), ("SparseAutoencoder.b_enc", fresh.b_enc, w.b_enc.detach().to(device)),
            ("SparseAutoencoder.W_dec", fresh.W_dec, w.W_dec.detach().to(device)), ("SparseAutoencoder.b_dec", fresh.b_dec, w.b_dec.detach().to(device))]);
        using var _ = no_grad();
        return SaeLoss.Of(fresh, x.to(device), l1Coefficient).Total.ToDouble();
    }

    [Test, Points(1)]
    public void Train_LowersTheLoss_AndRecordsEveryStep()
    {
        var data = new PlantedFeatures(d_in: 8, n_planted: 12, activeProbability: 0.1, seed: 760);
        var sae = new SparseAutoencoder(d_in: 8, d_sae: 24, seed: 761).to(Device);
        // The test's own start, as the constructor's doc draws it (unit decoder rows, the encoder their transpose, zero
        // biases), so that the losses before and after training are computed from weights the test knows.
        Tensor W_dec;
        using (var draw = new Generator(761, CPU))
        {
            var directions = randn([24, 8], generator: draw); // [d_sae, d_in]
            W_dec = directions / linalg.vector_norm(directions, dims: [1], keepdim: true);
        }
        var initial = (W_enc: W_dec.t().contiguous(), b_enc: zeros(24), W_dec, b_dec: zeros(8));
        TestWeights.Write([("SparseAutoencoder.W_enc", sae.W_enc, initial.W_enc), ("SparseAutoencoder.b_enc", sae.b_enc, initial.b_enc),
            ("SparseAutoencoder.W_dec", sae.W_dec, initial.W_dec), ("SparseAutoencoder.b_dec", sae.b_dec, initial.b_dec)]);
        Tensor firstBatch, heldOut;
        using (var replay = new Generator(762, CPU)) firstBatch = data.Sample(64, replay); // the first batch Train draws
        using (var fresh = new Generator(769, CPU)) heldOut = data.Sample(2048, fresh);
        double before = LossOf(initial, heldOut, 0.1, Device);
        using var generator = new Generator(762, CPU);

        var history = SaeTraining.Train(sae, n => data.Sample(n, generator), new SaeTrainingOptions(L1Coefficient: 0.1, Steps: 300, BatchSize: 64, LearningRate: 3e-3), generator);

        // Training is judged by its effect, measured here: the held-out loss of the weights Train left in the SAE.
        double after = LossOf((sae.W_enc, sae.b_enc, sae.W_dec, sae.b_dec), heldOut, 0.1, Device);
        TestContext.Out.WriteLine($"held-out loss {before:F4} before training, {after:F4} after");
        Assert.That(after, Is.Not.NaN.And.LessThan(0.5 * before),
            $"the loss Mse + 0.1 L1 on 2048 fresh inputs, SaeLoss.Of of a fresh SAE holding the trained weights ({after:G3}), against the initial weights' ({before:G3}): " +
            "300 steps should at least halve it; step the SaeAdam on each batch's loss (backward first) and keep its updates in the SAE's own parameters");
        Assert.That(history.Loss, Has.Length.EqualTo(300), "one loss per step");
        TensorAssert.Close(tensor(history.Loss[..1]), tensor(new[] { (float)LossOf(initial, firstBatch, 0.1, Device) }), Tolerance.For(ScalarType.Float32, Device.type),
            "SaeHistory.Loss[0] vs SaeLoss.Of (a fresh SAE holding the initial weights) on the first batch sample(64) gives: " +
            "record each step's SaeLoss.Of(sae, batch, λ).Total, before that step's update");
        double first = history.Loss.Take(20).Average(), last = history.Loss.TakeLast(20).Average();
        Assert.That(last, Is.Not.NaN.And.LessThan(0.5 * first), $"mean loss of the last 20 steps ({last:G3}) against the first 20 ({first:G3}): training should at least halve it");
        Assert.That(history.Mse[^1] + 0.1 * history.L1[^1], Is.EqualTo(history.Loss[^1]).Within(1e-4 * history.Loss[^1]), "Loss = Mse + λ L1 at each step");
        Assert.That(history.L0[^1], Is.GreaterThan(0).And.LessThanOrEqualTo(24), "L0 of the last batch");
        Assert.That(history.Window.Inputs, Is.EqualTo(300 * 64), "every batch's z is recorded in the dead-latent window");
    }

    [Test, Points(1)]
    public void Train_ResamplesDeadLatentsAtTheGivenStep_FromFreshInputs_AndRecordsEveryResampling_WithOneSaeAdamForTheWholeRun()
    {
        var data = new PlantedFeatures(d_in: 8, n_planted: 12, activeProbability: 0.1, seed: 763);
        var sae = new SparseAutoencoder(d_in: 8, d_sae: 24, seed: 764).to(Device);
        using (no_grad()) sae.b_enc.copy_(cat([full(4, -100f), zeros(20)]).to(Device)); // latents 0-3 can never fire
        using var generator = new Generator(765, CPU);

        var asked = new List<long>();
        var history = SaeTraining.Train(sae, n => { asked.Add(n); return data.Sample(n, generator); },
            new SaeTrainingOptions(L1Coefficient: 0.01, Steps: 60, BatchSize: 64, LearningRate: 1e-3, ResampleAt: [0, 20], ResampleInputs: 512), generator);

        Assert.That(history.Resampled, Has.Count.EqualTo(1),
            "one resampling, at step 20: at step 0 the window has seen no batch yet, so no latent can be judged dead and none is resampled");
        Assert.That(history.Resampled[0].Step, Is.EqualTo(20));
        Assert.That(history.Resampled[0].Count, Is.GreaterThanOrEqualTo(4), "latents 0-3 (b_enc = -100) were dead in the window before step 20");
        Assert.That(history.Resampled[0].Count, Is.LessThan(24),
            "every latent was resampled at step 20, though latents 4-23 start with b_enc = 0 and fire: read the window's dead latents before resetting it");
        var counts = history.Window.Counts.cpu();
        for (int latent = 0; latent < 4; latent++)
            Assert.That(counts[latent].item<long>(), Is.GreaterThan(0),
                $"latent {latent} was dead, and never fired in the 40 steps after resampling at step 20: reset its b_enc to 0 and point it at an input");
        Assert.That(history.Window.Batches, Is.EqualTo(40), "the window restarts after resampling");
        Assert.That(asked.Count(n => n == 512), Is.EqualTo(1),
            $"the sizes sample was called with ({asked.Count(n => n == 64)} × 64, {asked.Count(n => n == 512)} × 512, {asked.Count(n => n != 64 && n != 512)} others): " +
            "the resampling's candidates are a fresh sample(options.ResampleInputs), not a training batch");

        // A resampling that finds nothing dead still happened: it is recorded with a count of 0, and the window starts again.
        var firing = new SparseAutoencoder(d_in: 8, d_sae: 24, seed: 766).to(Device);
        using (no_grad()) firing.b_enc.fill_(100f); // every latent fires on every input
        var quiet = SaeTraining.Train(firing, n => data.Sample(n, generator),
            new SaeTrainingOptions(L1Coefficient: 0.01, Steps: 3, BatchSize: 16, LearningRate: 1e-3, ResampleAt: [2], ResampleInputs: 64), generator);
        Assert.That(quiet.Resampled, Is.EqualTo(new[] { (2, 0) }),
            "Resampled after a resampling at step 2 with no latent dead (b_enc = 100, all fire): record every resampling that happened, (step, 0) when it revived none");
        Assert.That(quiet.Window.Batches, Is.EqualTo(1), "the window restarts after a resampling, even one that revived nothing");
        // A mean of whole counts, so within float32 rounding of 24 on any device.
        Assert.That(quiet.L0, Is.All.EqualTo(24).Within(1e-3),
            $"L0 of each step while all 24 latents fire on every input (b_enc = 100): [{string.Join(", ", quiet.L0)}], expected 24 at every step: " +
            "SaeMetrics.L0 of the batch's z, the mean number of active latents per input, not the fraction of z's entries that are active");

        // The loop as the doc writes it, with your own parts, on a twin: one SaeAdam for the whole run, whose moments resampling
        // clears for the dead latents only (a new optimiser would restart every live latent's moments and bias correction).
        // 16 steps, and the weights compared as well as the losses: a step's update shows in the next step's loss, and the last one only in the weights.
        var options = new SaeTrainingOptions(L1Coefficient: 0.01, Steps: 16, BatchSize: 16, LearningRate: 1e-2, ResampleAt: [3], ResampleInputs: 64);
        SparseAutoencoder Fresh()
        {
            var fresh = new SparseAutoencoder(d_in: 8, d_sae: 12, seed: 767).to(Device);
            using (no_grad()) fresh.b_enc.copy_(cat([full(4, -100f), zeros(8)]).to(Device)); // latents 0-3 are dead until resampled
            return fresh;
        }
        SaeHistory trainedHistory;
        var trained = Fresh();
        using (var trainGenerator = new Generator(768, CPU))
            trainedHistory = SaeTraining.Train(trained, n => data.Sample(n, trainGenerator), options, trainGenerator);
        var twin = Fresh();
        var (twinLosses, twinL0) = (new float[options.Steps], new float[options.Steps]);
        using (var replay = new Generator(768, CPU))
        {
            var adam = new SaeAdam(twin.parameters(), options.LearningRate);
            var window = new DeadLatents(twin.DSae, Device);
            for (int step = 0; step < options.Steps; step++)
            {
                using var scope = NewDisposeScope();
                if (step == 3)
                {
                    Resampling.Resample(twin, adam, window.Dead(), data.Sample(options.ResampleInputs, replay).to(Device), replay);
                    window.Reset();
                }
                var parts = SaeLoss.Of(twin, data.Sample(options.BatchSize, replay).to(Device), options.L1Coefficient);
                adam.ZeroGrad();
                parts.Total.backward();
                DecoderNorm.RemoveParallelGradient(twin);
                adam.Step();
                DecoderNorm.Renormalise(twin);
                window.Record(parts.Z.detach());
                twinLosses[step] = parts.Total.item<float>();
                twinL0[step] = (float)SaeMetrics.L0(parts.Z.detach());
            }
        }
        TensorAssert.Close(tensor(trainedHistory.Loss), tensor(twinLosses), Tolerance.For(ScalarType.Float32, Device.type),
            "the losses of 16 steps resampling at step 3 vs the documented loop written out with your own SaeLoss, DecoderNorm, Resampling and one SaeAdam " +
            "made before the first step (keep that one optimiser: Resample clears the dead latents' moments in it)", axes: ["step"]);
        TensorAssert.Close(tensor(trainedHistory.L0), tensor(twinL0), Tolerance.For(ScalarType.Float32, Device.type),
            "SaeHistory.L0 of 16 steps resampling at step 3 vs SaeMetrics.L0 of each step's own z in the documented loop written out: the mean number of " +
            "latents active per input of the batch the step's loss was computed on (before its update), not the window's count of latents that have fired, " +
            "nor the batch encoded again after the step", axes: ["step"]);
        foreach (var (name, actual, expected) in new[] { ("W_enc", trained.W_enc, twin.W_enc), ("W_dec", trained.W_dec, twin.W_dec) })
            TensorAssert.Close(actual.detach(), expected.detach(), Tolerance.For(ScalarType.Float32, Device.type),
                $"{name} after 16 steps resampling at step 3 vs the documented loop written out: every step at options.LearningRate (no schedule), " +
                "the last step's update included");
    }
}
