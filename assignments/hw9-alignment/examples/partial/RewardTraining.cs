using Course.Lens;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment;

/// <param name="Steps">Optimiser steps.</param>
/// <param name="BatchSize">Pairs per step, drawn uniformly with replacement.</param>
/// <param name="LearningRate">Adam's learning rate.</param>
public sealed record RewardTrainingOptions(int Steps = 200, int BatchSize = 32, double LearningRate = 1e-2);

/// <summary>Training a <see cref="RewardModel"/>'s head on labelled pairs with the Bradley–Terry loss.</summary>
public static class RewardTraining
{
    /// <summary>
    /// Trains <paramref name="model"/>'s head with Adam: at each step, <c>BatchSize</c> pair indices drawn with
    /// <c>randint</c> from <paramref name="generator"/> (on the CPU), the Bradley–Terry loss of their rewards, one step.
    /// Returns each step's loss.
    /// </summary>
    public static double[] Train(RewardModel model, SequenceBatch chosen, SequenceBatch rejected, RewardTrainingOptions options, Generator generator)
    {
        var device = model.head.weight!.device;
        var optimizer = optim.Adam(model.HeadParameters(), lr: options.LearningRate);
        var losses = new double[options.Steps];
        for (int step = 0; step < options.Steps; step++)
        {
            using var scope = NewDisposeScope();
            var index = randint(0, chosen.Count, [options.BatchSize], generator: generator); // [batch]
            var (c, r) = (chosen.Rows(index).To(device), rejected.Rows(index).To(device));
            var loss = BradleyTerry.Loss(model.call(c.Tokens, c.Lengths), model.call(r.Tokens, r.Lengths));
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            losses[step] = loss.ToDouble();
        }
        return losses;
    }

    /// <summary>The reward model's accuracy on <paramref name="chosen"/> and <paramref name="rejected"/> (all rows, no gradients).</summary>
    public static double Accuracy(RewardModel model, SequenceBatch chosen, SequenceBatch rejected)
    {
        using var _ = no_grad();
        var device = model.head.weight!.device;
        var (c, r) = (chosen.To(device), rejected.To(device));
        return BradleyTerry.Accuracy(model.call(c.Tokens, c.Lengths), model.call(r.Tokens, r.Lengths));
    }
}
