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
    // Every reward here is TrustedMeasures': a head the test drew itself (the handout's init, N(0, 1/d_model) from seed 960,
    // zero bias) and copied into the reward model before Sample runs, on a fresh tiny GPT's ln_final output, never the
    // submission's forward or the head its constructor chose (a head chosen there could make a trivial pick's reward high). The plain samples come from a fresh model and generator: the 100
    // draws after the count × n candidates, as Sample leaves the generator.
    [Test, Points(5)]
    public void BestOfEight_PicksCompletionsOfHigherReward()
    {
        const int seed = 0, n = 8, count = 25;
        const string prompt = ". the ";
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        long room = model.Config.n_ctx - prompt.Length; // the most characters Sampler.Complete writes
        var rewardModel = new RewardModel(TinyGpt.Load(Device).Model, 960 + seed);
        var (weight, bias) = DrawnHead(rewardModel, model.Config.d_model, 960 + seed);
        using var generator = new Generator((ulong)(961 + seed), CPU);

        var winners = BestOfN.Sample(model, rewardModel, vocabulary, prompt, n: n, count: count, generator);

        var baseModel = TinyGpt.Load(Device).Model;
        using var draws = new Generator((ulong)(961 + seed), CPU);
        Sampler.Complete(baseModel, vocabulary, prompt, count * n, draws);
        var plain = Sampler.Complete(baseModel, vocabulary, prompt, 100, draws);

        Assert.That(winners, Has.Count.EqualTo(count), $"BestOfN.Sample(..., n: {n}, count: {count}) returns {count} completions");
        Tensor Rewards(IReadOnlyList<string> completions) => TrustedMeasures.Rewards(weight, bias, SequenceBatch.Of(prompt, completions, vocabulary), Device);
        var (won, base_) = (Rewards(winners), Rewards(plain));
        double gain = (won.mean().ToDouble() - base_.mean().ToDouble()) / base_.std().ToDouble();
        Assert.That(gain, Is.GreaterThan(0.5),
            "the mean reward of 25 best-of-8 winners above the mean of 100 plain samples, in standard deviations of the plain ones");

        // The winners are completions of the model, as Sampler.Complete cuts them: after their first ".", or at the model's
        // n_ctx positions.
        var uncut = winners.FirstOrDefault(w => w.IndexOf('.') is var stop && (stop >= 0 ? stop != w.Length - 1 : w.Length != room));
        Assert.That(uncut, Is.Null, $"BestOfN.Sample returned \"{uncut}\", which is not a completion as Sampler.Complete writes them (cut after its first \".\"): return the chosen candidates themselves");
        // And they are best-of-n draws of the model: a winner is a sentence y only if y is among its n draws, which happens
        // with probability at most 1 − (1 − p(y))^n, so k of the 25 winners are y with probability at most
        // C(25, k) (1 − (1 − p(y))^n)^(k − 1) (a union bound over the sentences and the k winners that share one).
        var repeated = winners.GroupBy(w => w).Where(g => g.Count() >= 2).Select(g => (Sentence: g.Key, Count: g.Count())).ToList();
        var logProbs = TrustedMeasures.CompletionLogProbs(prompt, repeated.Select(r => r.Sentence), vocabulary, Device);
        foreach (var ((sentence, k), logP) in repeated.Zip(logProbs))
        {
            double p = Math.Exp(logP);
            double amongN = p < 1e-6 ? n * p : 1 - Math.Pow(1 - p, n); // n p to first order, where 1 - p rounds
            double chance = Binomial(count, k) * Math.Pow(amongN, k - 1);
            Assert.That(chance, Is.GreaterThan(1e-6),
                $"\"{sentence}\" is {k} of the {count} winners, but the tiny GPT writes it with probability {p:G3}, so a best-of-{n} winner is it with " +
                $"probability at most {amongN:G3}, and {k} of {count} winners with probability at most {chance:G3}: the winners are not best-of-{n} draws of the " +
                "model (draw the candidates with Sampler.Complete and the given generator, and keep the best of each group of n)");
        }
        static double Binomial(int total, int k) => Enumerable.Range(1, k).Aggregate(1.0, (c, i) => c * (total - k + i) / i);
    }

    /// <summary>
    /// A head weight <c>[1, d_model]</c> drawn from N(0, 1/d_model) with <paramref name="seed"/> on the CPU and a zero bias
    /// <c>[1]</c>, as the handout's init draws them, written into <paramref name="rewardModel"/>'s head with
    /// <see cref="TestWeights.Write(IEnumerable{ValueTuple{string, Tensor, Tensor}})"/> (shapes and float32 dtypes checked: an
    /// integer parameter would round the draw to zeros, red team 16, d01; each read back after writing); returned (on the CPU)
    /// for the test to measure rewards with.
    /// </summary>
    static (Tensor Weight, Tensor Bias) DrawnHead(RewardModel rewardModel, long d_model, long seed)
    {
        using var generator = new Generator((ulong)seed, CPU);
        var weight = normal(0, 1.0 / Math.Sqrt(d_model), [1, d_model], generator: generator);
        var bias = zeros(1);
        TestWeights.Write([("RewardModel.head.weight", rewardModel.head.weight, weight), ("RewardModel.head.bias", rewardModel.head.bias, bias)]);
        return (weight, bias);
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

        // Only what training left in the weights is measured: a fresh tiny GPT holding the policy's parameters, so no hook or
        // other object that DpoTraining.Train left on the policy takes part in a measure.
        var trained = TrustedMeasures.WeightsOf(policy, Device);
        using var sampling = new Generator((ulong)(970 + seed), CPU);
        var after = Sampler.Complete(trained, vocabulary, ". the ", 400, sampling);
        double rateAfter = TrustedMeasures.PreferenceRate(". the ", after);
        double kl = TrustedMeasures.TokenKl(trained, SequenceBatch.Of(". the ", after, vocabulary), Device);
        var agreement = AgreementBatch.Of(AgreementPrompts.Sample(300, 7, Clause.SubjectRelative), vocabulary);
        double agreementAfter = TrustedMeasures.AgreementAccuracy(trained, vocabulary, agreement, Device);

        Assert.That(rateAfter, Is.GreaterThan(BaseRate + 0.06), $"the preference rate of 400 samples after DPO, against the base model's {BaseRate:P2}: DPO should add at least 6 points");
        Assert.That(kl, Is.Not.NaN.And.LessThan(0.3), "the mean per-token KL of the DPO policy from the tiny GPT it started as, on the policy's samples");
        Assert.That(agreementAfter, Is.GreaterThan(0.9), "agreement accuracy on 300 subject-relative prompts after DPO (the reference model gets 100%)");
    }
}
