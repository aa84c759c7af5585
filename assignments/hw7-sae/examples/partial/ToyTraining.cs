using TorchSharp;
using static TorchSharp.torch;

namespace Hw7.Sae;

/// <summary>How the learning rate moves over training: ARENA's <c>constant_lr</c>, <c>linear_lr</c> and <c>cosine_decay_lr</c>.</summary>
public enum LrSchedule
{
    /// <summary>The learning rate throughout.</summary>
    Constant,
    /// <summary>From the learning rate at step 0 down linearly towards 0: <c>lr · (1 − step / steps)</c>.</summary>
    Linear,
    /// <summary>Half a cosine from the learning rate towards 0: <c>lr · (1 + cos(π · step / steps)) / 2</c>.</summary>
    Cosine,
}

/// <param name="Steps">Optimiser steps, each on a fresh batch.</param>
/// <param name="BatchSize">Rows per batch (every instance sees that many rows of its own data).</param>
/// <param name="Lr">Adam's learning rate at step 0.</param>
/// <param name="Schedule">How the learning rate moves from there.</param>
public sealed record ToyTrainingOptions(int Steps = 5000, long BatchSize = 1024, double Lr = 1e-3, LrSchedule Schedule = LrSchedule.Constant)
{
    /// <summary>The learning rate of step <paramref name="step"/> (0-based) of <see cref="Steps"/>.</summary>
    public double LrAt(int step) => Schedule switch
    {
        LrSchedule.Constant => Lr,
        LrSchedule.Linear => Lr * (1 - (double)step / Steps),
        LrSchedule.Cosine => Lr * (1 + Math.Cos(Math.PI * step / Steps)) / 2,
        _ => throw new ArgumentOutOfRangeException(nameof(Schedule), Schedule, null),
    };
}

/// <summary>Trains every instance of a <see cref="ToyModel"/> at once, each on data of its own sparsity.</summary>
public static class ToyTraining
{
    /// <summary>
    /// <see cref="ToyTrainingOptions.Steps"/> steps of <c>optim.Adam(model.parameters(), lr)</c> on <see cref="ToyLoss.Of"/>,
    /// the learning rate set to <see cref="ToyTrainingOptions.LrAt"/> before each step. Each step draws a fresh
    /// <c>[BatchSize, n_inst, n_features]</c> batch with <see cref="SyntheticFeatures.Generate"/> from
    /// <paramref name="generator"/> (so a seed fixes the data) on the model's device, and runs the model, the loss and the
    /// update once for all instances together.
    /// </summary>
    /// <param name="sparsity"><c>[n_inst]</c>: each instance's probability that a feature is zero.</param>
    /// <param name="importance"><c>[n_features]</c> or <c>[n_inst, n_features]</c>.</param>
    /// <returns><c>[Steps]</c> float32 on the CPU: the loss of each step's batch, before that step's update.</returns>
    public static Tensor Train(ToyModel model, Tensor sparsity, Tensor importance, ToyTrainingOptions options, Generator generator)
    {
        var device = model.W.device;
        var optimizer = optim.Adam(model.parameters(), lr: options.Lr);
        var weights = importance.to(device);
        var losses = zeros(options.Steps, device: device); // [steps]
        for (int step = 0; step < options.Steps; step++)
        {
            using var scope = NewDisposeScope();
            foreach (var group in optimizer.ParamGroups) group.LearningRate = options.LrAt(step);
            optimizer.zero_grad();
            var batch = SyntheticFeatures.Generate(options.BatchSize, sparsity, model.NFeatures, generator, device); // [batch, n_inst, n_features]
            var loss = ToyLoss.Of(model.call(batch), batch, weights);
            loss.backward();
            optimizer.step();
            using (no_grad()) losses[step] = loss.detach();
        }
        return losses.cpu();
    }
}
