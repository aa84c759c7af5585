using Course.Lens;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment.Tests;

public sealed class RewardTrainingTests : TorchTest
{
    [Test, Points(4)]
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
}
