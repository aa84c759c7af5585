using Course.Lens;
using Course.Lens.Agreement;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment.HiddenTests;

/// <summary>
/// The training checks. Each threshold was set from the reference on seeds 0-4 (the seed picks the pairs, the head's
/// initialisation and every draw), with the margin written next to it; the test runs seed 0. What they measure is
/// measured by <see cref="TrustedMeasures"/>, from the trained weights, not by the submission's own evaluation code.
/// </summary>
public sealed class AlignmentTrainingTests : TorchTest
{
    /// <summary>
    /// The base model's preference rate on ". the ": 162 of 4000 samples (<c>Sampler.Complete</c> with a CPU generator
    /// seeded 4242), standard error 0.3 points. The tiny GPT is fixed, so this is a property of the checkpoint, measured
    /// once here instead of on every run.
    /// </summary>
    const double BaseRate = 0.0405;

    // Held-out accuracy on seeds 0-4: 0.798, 0.816, 0.806, 0.832, 0.780 (5% of the labels are flipped, so about 0.95 is
    // the ceiling). Threshold 0.70: a margin of 0.08.
    [Test, Points(8)]
    public void RewardModel_PredictsHeldOutLabels()
    {
        const int seed = 0;
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var rewardModel = new RewardModel(model, seed);
        var (train, heldOut) = PreferencePairs.TrainHeldOut(2000, 500, (ulong)(100 + seed));
        using var generator = new Generator((ulong)seed, CPU);

        RewardTraining.Train(rewardModel, SequenceBatch.Chosen(train, vocabulary), SequenceBatch.Rejected(train, vocabulary), new RewardTrainingOptions(), generator);
        double accuracy = TrustedMeasures.PairAccuracy(rewardModel.head, SequenceBatch.Chosen(heldOut, vocabulary), SequenceBatch.Rejected(heldOut, vocabulary), Device);

        Assert.That(accuracy, Is.GreaterThan(0.70),
            "held-out pair accuracy of the trained head on the frozen tiny GPT's ln_final output at each row's last token, after RewardTraining.Train with the default options on 2000 pairs");
    }

    // Gain on seeds 0-4: 1.56, 0.95, 1.43, 1.27, 1.79 standard deviations (an untrained head's rewards are skewed and tie
    // on repeated sentences, so not the 1.42 of the max of 8 normals). Threshold 0.5: a margin of 0.45.
    [Test, Points(5)]
    public void BestOfEight_PicksCompletionsOfHigherReward()
    {
        const int seed = 0;
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var rewardModel = new RewardModel(TinyGpt.Load(Device).Model, 960 + seed);
        using var generator = new Generator((ulong)(961 + seed), CPU);

        var winners = BestOfN.Sample(model, rewardModel, vocabulary, ". the ", n: 8, count: 25, generator);
        var plain = Sampler.Complete(model, vocabulary, ". the ", 100, generator);

        Assert.That(winners, Has.Count.EqualTo(25), "BestOfN.Sample(..., n: 8, count: 25) returns 25 completions");
        using var _ = no_grad();
        Tensor Rewards(IReadOnlyList<string> completions)
        {
            var batch = SequenceBatch.Of(". the ", completions, vocabulary).To(Device);
            return rewardModel.call(batch.Tokens, batch.Lengths).to(ScalarType.Float64).cpu();
        }
        var (won, base_) = (Rewards(winners), Rewards(plain));
        double gain = (won.mean().ToDouble() - base_.mean().ToDouble()) / base_.std().ToDouble();
        Assert.That(gain, Is.GreaterThan(0.5),
            "the mean reward of 25 best-of-8 winners above the mean of 100 plain samples, in standard deviations of the plain ones");
    }

    // On seeds 0-4, with the default DpoOptions and 400 samples from ". the " after training:
    //   preference rate 0.295, 0.233, 0.193, 0.163, 0.230 (the base model: 0.0405); threshold the base rate + 0.06 =
    //     0.1005, a margin of 0.062 (the standard error of a rate of 0.16 from 400 samples is 0.018);
    //   per-token KL 0.101, 0.064, 0.185, 0.158, 0.138; bound 0.3, a margin of 0.115;
    //   agreement 0.977, 0.990, 0.987, 0.990, 0.987 (the reference: 1.000); floor 0.9, a margin of 0.077.
    // 1 point given to HiddenDpoTrainingTests.Train_MatchesALoopOfAdamStepsOnTheDpoLoss_OfPairsDrawnTogether (12 → 11).
    [Test, Points(11)]
    public void Dpo_RaisesThePreferenceRate_WithinAKlBudget_AndKeepsAgreement()
    {
        const int seed = 0;
        var (policy, vocabulary, _) = TinyGpt.Load(Device);
        var reference = TinyGpt.Load(Device).Model;
        var pairs = PreferencePairs.Sample(2000, (ulong)(100 + seed));
        using var generator = new Generator((ulong)seed, CPU);

        DpoTraining.Train(policy, reference, SequenceBatch.Chosen(pairs, vocabulary), SequenceBatch.Rejected(pairs, vocabulary), new DpoOptions(), generator);

        using var sampling = new Generator((ulong)(970 + seed), CPU);
        var after = Sampler.Complete(policy, vocabulary, ". the ", 400, sampling);
        double rateAfter = TrustedMeasures.PreferenceRate(". the ", after);
        double kl = TrustedMeasures.TokenKl(policy, SequenceBatch.Of(". the ", after, vocabulary), Device);
        var agreement = AgreementBatch.Of(AgreementPrompts.Sample(300, 7, Clause.SubjectRelative), vocabulary);
        double agreementAfter = TrustedMeasures.AgreementAccuracy(policy, vocabulary, agreement, Device);

        Assert.That(rateAfter, Is.GreaterThan(BaseRate + 0.06), $"the preference rate of 400 samples after DPO, against the base model's {BaseRate:P2}: DPO should add at least 6 points");
        Assert.That(kl, Is.LessThan(0.3), "the mean per-token KL of the DPO policy from the tiny GPT it started as, on the policy's samples");
        Assert.That(agreementAfter, Is.GreaterThan(0.9), "agreement accuracy on 300 subject-relative prompts after DPO (the reference model gets 100%)");
    }
}
