using TorchSharp;
using static TorchSharp.torch;

namespace Hw7.Sae;

/// <summary>How to train an SAE.</summary>
/// <param name="L1Coefficient">λ of <see cref="SaeLoss"/> (0 for a TopK autoencoder).</param>
/// <param name="Steps">Optimiser steps.</param>
/// <param name="BatchSize">Inputs per step.</param>
/// <param name="LearningRate">Adam's learning rate.</param>
/// <param name="ResampleAt">Steps (0-based) at whose start dead latents are resampled; none when null. A step whose window has
/// seen no batch yet (step 0, or two resamplings in a row) resamples nothing: no latent can be judged dead there.</param>
/// <param name="ResampleInputs">How many fresh inputs the resampling draws its candidates from.</param>
public sealed record SaeTrainingOptions(double L1Coefficient, int Steps, int BatchSize, double LearningRate = 1e-3,
    int[]? ResampleAt = null, int ResampleInputs = 2048);

/// <summary>What happened during training.</summary>
/// <param name="Loss">Per step: the total loss.</param>
/// <param name="Mse">Per step: the reconstruction part.</param>
/// <param name="L1">Per step: the (unscaled) L1 part.</param>
/// <param name="L0">Per step: <see cref="SaeMetrics.L0"/> of the batch.</param>
/// <param name="Resampled">Per entry of <see cref="SaeTrainingOptions.ResampleAt"/> that happened: the step and how many latents were revived.</param>
/// <param name="Window">The firing counts since the last resampling (or since the start).</param>
public sealed record SaeHistory(float[] Loss, float[] Mse, float[] L1, float[] L0, IReadOnlyList<(int Step, int Count)> Resampled, DeadLatents Window);

/// <summary>The training loop of an SAE, with the decoder kept at unit norm and dead latents resampled.</summary>
public static class SaeTraining
{
    /// <summary>
    /// Trains <paramref name="sae"/> in place with <see cref="SaeAdam"/> on batches from <paramref name="sample"/> (called
    /// with a batch size; any device: batches are moved to the SAE's). Each step: if the step is in <c>ResampleAt</c> and
    /// the window has seen a batch, resample the latents dead in it (candidates: <c>sample(ResampleInputs)</c>, draws from
    /// <paramref name="generator"/>) and start a new window; then the loss on a fresh batch, backward, remove the decoder
    /// gradient's parallel part, the Adam step, renormalise the decoder rows, and record the batch's z in the window.
    /// </summary>
    public static SaeHistory Train(SparseAutoencoder sae, Func<long, Tensor> sample, SaeTrainingOptions options, Generator generator)
    {
        var device = sae.W_dec.device;
        var adam = new SaeAdam(sae.parameters(), options.LearningRate);
        var window = new DeadLatents(sae.DSae, device);
        int steps = options.Steps;
        var (loss, mse, l1, l0) = (new float[steps], new float[steps], new float[steps], new float[steps]);
        var resampled = new List<(int Step, int Count)>();
        var resampleAt = new HashSet<int>(options.ResampleAt ?? []);
        // BEGIN SOLUTION: for each step: (in a per-step dispose scope) resample when the step is in resampleAt and the window has batches, then window.Reset(); x = sample(BatchSize) on device; parts = SaeLoss.Of; adam.ZeroGrad, backward, DecoderNorm.RemoveParallelGradient, adam.Step, DecoderNorm.Renormalise; window.Record(z detached); record loss, mse, l1 and L0; return new SaeHistory(loss, mse, l1, l0, resampled, window)
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            if (resampleAt.Contains(step) && window.Batches > 0)
            {
                var count = Resampling.Resample(sae, adam, window.Dead(), sample(options.ResampleInputs).to(device), generator);
                resampled.Add((step, count));
                window.Reset();
            }
            var x = sample(options.BatchSize).to(device); // [batch, d_in]
            var parts = SaeLoss.Of(sae, x, options.L1Coefficient);
            adam.ZeroGrad();
            parts.Total.backward();
            DecoderNorm.RemoveParallelGradient(sae);
            adam.Step();
            DecoderNorm.Renormalise(sae);
            var z = parts.Z.detach(); // [batch, d_sae]
            window.Record(z);
            (loss[step], mse[step], l1[step]) = (parts.Total.item<float>(), parts.Mse.item<float>(), parts.L1.item<float>());
            l0[step] = (float)SaeMetrics.L0(z);
        }
        return new SaeHistory(loss, mse, l1, l0, resampled, window);
        // END SOLUTION
    }
}
