using Course.Lens;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment.Tests;

/// <summary>
/// DPO as the public tests measure it: a trained policy through a fresh tiny GPT that holds its weights, with the homework's
/// own <see cref="LogProbs.OfCompletion(HookedTransformer, SequenceBatch)"/>, <see cref="Dpo.Loss"/> and
/// <see cref="Dpo.ImplicitReward"/>, which their own tests pin on values worked out by hand. A training test judges what
/// Train did by these, never by the <see cref="DpoHistory"/> Train reports: a made-up history and a nudge to one weight
/// passed the training tests that believed it (red team 18, a03). The public tests carry no implementation of what the
/// homework asks for; the hidden tests measure the same with trusted code of their own.
/// </summary>
static class TestDpo
{
    /// <summary>What the test measures of a policy on pairs: the DPO loss and the mean implicit reward of each side.</summary>
    public sealed record Measure(double Loss, double ChosenReward, double RejectedReward);

    /// <summary>The DPO loss and the mean implicit reward of each side, of the four <c>[batch]</c> log-probabilities, by the homework's Dpo.</summary>
    static (Tensor Loss, double ChosenReward, double RejectedReward) Loss(Tensor policyChosen, Tensor policyRejected, Tensor referenceChosen, Tensor referenceRejected, double beta) =>
        (Dpo.Loss(policyChosen, policyRejected, referenceChosen, referenceRejected, beta),
            Dpo.ImplicitReward(policyChosen.detach(), referenceChosen, beta).mean().ToDouble(), Dpo.ImplicitReward(policyRejected.detach(), referenceRejected, beta).mean().ToDouble());

    /// <summary>
    /// The DPO loss and mean implicit rewards on every row of <paramref name="chosen"/> and <paramref name="rejected"/> of a
    /// fresh tiny GPT that holds <paramref name="actual"/>'s weights, against a fresh tiny GPT as the reference: a check of
    /// the policy homework code trained, so it takes it as the <c>actual</c> (see TensorHandOff).
    /// </summary>
    public static Measure Of(HookedTransformer actual, SequenceBatch chosen, SequenceBatch rejected, double beta, Device device)
    {
        var policy = WeightsOf(actual, device);
        var reference = TinyGpt.Load(device).Model;
        using var _ = no_grad();
        var (c, r) = (chosen.To(device), rejected.To(device));
        var (loss, chosenReward, rejectedReward) = Loss(LogProbs.OfCompletion(policy, c), LogProbs.OfCompletion(policy, r), LogProbs.OfCompletion(reference, c), LogProbs.OfCompletion(reference, r), beta);
        return new Measure(loss.ToDouble(), chosenReward, rejectedReward);
    }

    /// <summary>
    /// A fresh tiny GPT that holds <paramref name="actual"/>'s parameters (copied, detached), after the two are checked to
    /// have the same parameters of the same shapes, so a measure runs only what training left in the weights.
    /// </summary>
    public static HookedTransformer WeightsOf(HookedTransformer actual, Device device)
    {
        var fresh = TinyGpt.Load(device).Model;
        var trained = actual.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var expected = fresh.named_parameters().ToList();
        string Names(IEnumerable<string> names) => string.Join(", ", names.Order());
        Assert.That(Names(trained.Keys), Is.EqualTo(Names(expected.Select(p => p.name))),
            "the trained policy's parameters are the tiny GPT's, under the same names (training changes their values, and adds or removes none)");
        using var _ = no_grad();
        foreach (var (name, parameter) in expected)
        {
            var value = trained[name];
            Assert.That(value.shape, Is.EqualTo(parameter.shape), $"the trained policy's {name} has the tiny GPT's shape");
            parameter.copy_(value.detach().to(parameter.dtype).to(device));
        }
        return fresh;
    }

    /// <summary>
    /// <paramref name="steps"/> steps of DPO written out, on a fresh tiny GPT as the policy and another as the reference: Adam
    /// over every parameter of the policy at <paramref name="learningRate"/>, each step's pair indices from one
    /// <c>randint(0, pairs, [batchSize])</c> on a generator seeded <paramref name="seed"/>, the same rows of both sides, the
    /// homework's own log-probabilities and DPO loss (pinned by their tests), and the loss and mean implicit rewards recorded
    /// before the step's update, as <see cref="DpoTraining.Train"/>'s docs say. Scale
    /// is each step's β (|log π_θ(c)| + |log π_θ(r)| + |log π_ref(c)| + |log π_ref(r)|), the largest of its batch: the size of
    /// the terms whose difference makes the step's margin, its rewards and its loss, and so the scale of their rounding error.
    /// </summary>
    public static (double[] Loss, double[] ChosenReward, double[] RejectedReward, double[] Scale) Replay(SequenceBatch chosen, SequenceBatch rejected, double beta, int steps, int batchSize, double learningRate, ulong seed, Device device)
    {
        var policy = TinyGpt.Load(device).Model;
        var reference = TinyGpt.Load(device).Model;
        foreach (var parameter in policy.parameters()) parameter.requires_grad = true;
        var optimizer = optim.Adam(policy.parameters(), lr: learningRate);
        using var generator = new Generator(seed, CPU);
        var (losses, chosenRewards, rejectedRewards, scales) = (new double[steps], new double[steps], new double[steps], new double[steps]);
        for (int step = 0; step < steps; step++)
        {
            var index = randint(0, chosen.Count, [batchSize], generator: generator); // [batch]
            var (c, r) = (chosen.Rows(index).To(device), rejected.Rows(index).To(device));
            Tensor referenceChosen, referenceRejected;
            using (no_grad())
                (referenceChosen, referenceRejected) = (LogProbs.OfCompletion(reference, c), LogProbs.OfCompletion(reference, r)); // [batch] each
            var (policyChosen, policyRejected) = (LogProbs.OfCompletion(policy, c), LogProbs.OfCompletion(policy, r)); // [batch] each
            var (loss, chosenReward, rejectedReward) = Loss(policyChosen, policyRejected, referenceChosen, referenceRejected, beta);
            scales[step] = beta * (policyChosen.detach().abs() + policyRejected.detach().abs() + referenceChosen.abs() + referenceRejected.abs()).max().ToDouble();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            (losses[step], chosenRewards[step], rejectedRewards[step]) = (loss.ToDouble(), chosenReward, rejectedReward);
        }
        return (losses, chosenRewards, rejectedRewards, scales);
    }
}
