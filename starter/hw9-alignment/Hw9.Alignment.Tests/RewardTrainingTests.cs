using Course.Lens;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment.Tests;

public sealed class RewardTrainingTests : TorchTest
{
    [Test, Points(3)]
    public void Train_LowersTheBradleyTerryLoss_AndTrainsOnlyTheHead()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var before = model.W_E.detach().clone();
        var rewardModel = new RewardModel(model, seed: 921);
        var pairs = PreferencePairs.Sample(400, seed: 922);
        using var generator = new Generator(923, CPU);

        var losses = RewardTraining.Train(rewardModel, SequenceBatch.Chosen(pairs, vocabulary), SequenceBatch.Rejected(pairs, vocabulary),
            new RewardTrainingOptions(Steps: 60, BatchSize: 32, LearningRate: 1e-2), generator);

        Assert.That(losses, Has.Length.EqualTo(60), "one loss per step");
        Assert.That(losses, Is.All.Matches<double>(double.IsFinite), "every loss is finite");
        double first = losses.Take(10).Average(), last = losses.TakeLast(10).Average();
        Assert.That(last, Is.LessThan(first - 0.05), $"mean loss of the last 10 steps ({last:F3}) against the first 10 ({first:F3}): 60 steps of Adam at lr 1e-2 lower it by far more than 0.05");
        TensorAssert.Close(model.W_E, before, Tolerance.Exact, "the tiny GPT's W_E after reward training (only the head trains)");
    }

    [Test, Points(1)]
    public void Accuracy_IsTheFractionOfPairsWhoseChosenCompletionGetsTheHigherReward()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var rewardModel = new RewardModel(model, seed: 924);
        var pairs = PreferencePairs.Sample(40, seed: 925);
        var (chosen, rejected) = (SequenceBatch.Chosen(pairs, vocabulary), SequenceBatch.Rejected(pairs, vocabulary));
        double expected;
        using (no_grad())
        {
            var (c, r) = (chosen.To(Device), rejected.To(Device));
            expected = (rewardModel.call(c.Tokens, c.Lengths) > rewardModel.call(r.Tokens, r.Lengths)).to(ScalarType.Float64).mean().ToDouble();
        }

        Assert.That(RewardTraining.Accuracy(rewardModel, chosen, rejected), Is.EqualTo(expected).Within(1e-12),
            "RewardTraining.Accuracy(an untrained reward model, 40 pairs): the fraction of pairs whose chosen completion gets the strictly higher reward");
    }
}
