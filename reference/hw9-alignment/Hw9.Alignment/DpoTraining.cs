using Course.Lens;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment;

/// <param name="Beta">DPO's β: how strongly the policy is held to the reference (the paper's KL coefficient).</param>
/// <param name="Steps">Optimiser steps.</param>
/// <param name="BatchSize">Pairs per step, drawn uniformly with replacement.</param>
/// <param name="LearningRate">Adam's learning rate.</param>
public sealed record DpoOptions(double Beta = 0.5, int Steps = 60, int BatchSize = 16, double LearningRate = 2e-4);

/// <summary>What DPO training records at each step, before the step's update.</summary>
/// <param name="Loss">The DPO loss of the step's batch.</param>
/// <param name="ChosenReward">The mean implicit reward of the batch's chosen completions.</param>
/// <param name="RejectedReward">The mean implicit reward of the batch's rejected completions.</param>
public sealed record DpoHistory(double[] Loss, double[] ChosenReward, double[] RejectedReward);

/// <summary>Fine-tuning a policy on preference pairs with DPO.</summary>
public static class DpoTraining
{
    /// <summary>
    /// Trains every parameter of <paramref name="policy"/> (which starts as a copy of <paramref name="reference"/>) with
    /// Adam on the DPO loss. <paramref name="reference"/> stays frozen: Train changes neither its values nor its parameters'
    /// <c>requires_grad</c> (false, as <c>TinyGpt.Load</c> gives them). At each step, <c>BatchSize</c> pair indices are
    /// drawn with <c>randint</c> from <paramref name="generator"/> (on the CPU).
    /// </summary>
    public static DpoHistory Train(HookedTransformer policy, HookedTransformer reference, SequenceBatch chosen, SequenceBatch rejected, DpoOptions options, Generator generator)
    {
        // BEGIN SOLUTION: the reference's log-probabilities under no_grad; requires_grad on the policy's parameters and Adam over them; each step: randint indices, the policy's and reference's log-probabilities of the chosen and rejected rows, Dpo.Loss, backward, step; record the loss and the mean implicit rewards
        var device = policy.W_E.device;
        foreach (var parameter in policy.parameters()) parameter.requires_grad = true;
        var optimizer = optim.Adam(policy.parameters(), lr: options.LearningRate);
        var history = new DpoHistory(new double[options.Steps], new double[options.Steps], new double[options.Steps]);
        for (int step = 0; step < options.Steps; step++)
        {
            using var scope = NewDisposeScope();
            var index = randint(0, chosen.Count, [options.BatchSize], generator: generator); // [batch]
            var (c, r) = (chosen.Rows(index).To(device), rejected.Rows(index).To(device));
            Tensor referenceChosen, referenceRejected;
            using (no_grad())
                (referenceChosen, referenceRejected) = (LogProbs.OfCompletion(reference, c), LogProbs.OfCompletion(reference, r)); // [batch] each
            var (policyChosen, policyRejected) = (LogProbs.OfCompletion(policy, c), LogProbs.OfCompletion(policy, r)); // [batch] each
            var loss = Dpo.Loss(policyChosen, policyRejected, referenceChosen, referenceRejected, options.Beta);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            history.Loss[step] = loss.ToDouble();
            history.ChosenReward[step] = Dpo.ImplicitReward(policyChosen.detach(), referenceChosen, options.Beta).mean().ToDouble();
            history.RejectedReward[step] = Dpo.ImplicitReward(policyRejected.detach(), referenceRejected, options.Beta).mean().ToDouble();
        }
        return history;
        // END SOLUTION
    }
}
