using Course.Lens;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment;

/// <param name="Steps">Optimiser steps.</param>
/// <param name="BatchSize">Pairs per step, drawn uniformly with replacement.</param>
/// <param name="LearningRate">Adam's learning rate.</param>
public sealed record RewardTrainingOptions(int Steps = 100, int BatchSize = 32, double LearningRate = 1e-2);

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
        throw new NotImplementedException("RewardTraining.Train: Adam over HeadParameters(); each step: randint indices on the CPU with the generator, Rows of both batches (on the model's device), the rewards, BradleyTerry.Loss, zero_grad, backward, step; record loss.item");
    }

    /// <summary>The reward model's accuracy on <paramref name="chosen"/> and <paramref name="rejected"/> (all rows, no gradients).</summary>
    public static double Accuracy(RewardModel model, SequenceBatch chosen, SequenceBatch rejected)
    {
        throw new NotImplementedException("RewardTraining.Accuracy: under no_grad, the rewards of both batches (on the model's device), then BradleyTerry.Accuracy");
    }
}
