using Course.Lens;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment.Tests;

public sealed class RewardTrainingTests : TorchTest
{
    [Test, Points(2)]
    public void Train_LowersTheBradleyTerryLoss_AndTrainsOnlyTheHead()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var before = model.W_E.detach().clone();
        // The logits the tiny GPT runs, on sentences of the test's own: what it lists (parameters()) and what it runs must both stay.
        var probe = SequenceBatch.Chosen(PreferencePairs.Sample(4, seed: 924), vocabulary).Tokens.to(Device); // [4, pos]
        Tensor logitsBefore;
        using (no_grad()) logitsBefore = model.call(probe); // [4, pos, d_vocab]
        var rewardModel = new RewardModel(model, seed: 921);
        var pairs = PreferencePairs.Sample(400, seed: 922);
        // Training is judged by what it did, never by the losses Train reports (a made-up falling curve and no training passed:
        // red team 18, a02). The head starts from the test's own draw, and the Bradley–Terry loss on all 400 pairs is the
        // test's, before and after, from a fresh tiny GPT's last-token features and the head's weights read back.
        using var seeded = new Seeded(929);
        var body = TinyGpt.Load(Device).Model;
        var (weight, _) = TestHead.Write(rewardModel, body.Config.d_model, seeded, Device);
        var chosenFeatures = LastTokenFeatures(body, SequenceBatch.Chosen(pairs, vocabulary)); // [400, d_model]
        var rejectedFeatures = LastTokenFeatures(body, SequenceBatch.Rejected(pairs, vocabulary)); // [400, d_model]
        double lossBefore = BradleyTerryLoss(weight, chosenFeatures, rejectedFeatures);
        double firstStep;
        using (var replay = new Generator(923, CPU))
        {
            var index = randint(0, pairs.Count, [32], generator: replay).to(Device); // [32]: the first step's pairs
            firstStep = BradleyTerryLoss(weight, chosenFeatures.index_select(0, index), rejectedFeatures.index_select(0, index));
        }
        using var generator = new Generator(923, CPU);

        var losses = RewardTraining.Train(rewardModel, SequenceBatch.Chosen(pairs, vocabulary), SequenceBatch.Rejected(pairs, vocabulary),
            new RewardTrainingOptions(Steps: 60, BatchSize: 32, LearningRate: 1e-2), generator);

        Assert.That(losses, Has.Length.EqualTo(60), "one loss per step");
        Assert.That(losses, Is.All.Matches<double>(double.IsFinite), "every loss is finite");
        Assert.That(losses[0], Is.EqualTo(firstStep).Within(Tolerance.For(ScalarType.Float32, Device.type).Allowed(firstStep, Math.Abs(firstStep))),
            "the first step's reported loss: the Bradley–Terry loss of the head as it starts (the test's draw) on the 32 pairs randint(0, 400, [32], generator) " +
            "draws, computed before the step's update; record each step's loss.ToDouble() of the loss you backpropagate");
        double first = losses.Take(10).Average(), last = losses.TakeLast(10).Average();
        Assert.That(last, Is.Not.NaN.And.LessThan(first - 0.05), $"mean loss of the last 10 steps ({last:F3}) against the first 10 ({first:F3}): 60 steps of Adam at lr 1e-2 lower it by far more than 0.05");
        double lossAfter = BradleyTerryLoss(rewardModel.head, chosenFeatures, rejectedFeatures);
        Assert.That(lossAfter, Is.Not.NaN.And.LessThan(lossBefore - 0.05),
            $"the Bradley–Terry loss on all 400 training pairs of the head Train leaves (the test's own, from a fresh tiny GPT's last-token features), against " +
            $"{lossBefore:F3} before training: 60 steps of Adam at lr 1e-2 lower it by far more than 0.05; step Adam over HeadParameters() on BradleyTerry.Loss " +
            "of the reward model's rewards");
        TensorAssert.Close(model.W_E, before, Tolerance.Exact, "the tiny GPT's W_E after reward training (only the head trains)");
        using (no_grad())
            TensorAssert.Close(model.call(probe), logitsBefore, Tolerance.Exact, "the tiny GPT's logits on four sentences after reward training (only the head trains)");
        Assert.That(model.parameters().Count(p => p.requires_grad), Is.Zero,
            "parameters of the reward model's tiny GPT with requires_grad true after reward training: Base stays frozen (requires_grad false), " +
            "and Adam trains HeadParameters() only; do not turn requires_grad on for the whole model");
    }

    // ln_final.hook_normalized at each row's last token [rows, d_model]: what the head reads, from a model homework code never has.
    static Tensor LastTokenFeatures(HookedTransformer model, SequenceBatch batch)
    {
        using var noGrad = no_grad();
        Tensor? normalized = null;
        using (model.Hook("ln_final.hook_normalized").AddHook((a, _) => { normalized = a.clone(); return null; }))
            model.call(batch.Tokens.to(Device));
        var lengths = batch.Lengths.cpu().data<long>().ToArray();
        return stack(lengths.Select((length, row) => normalized![row, length - 1]).ToArray()); // [rows, d_model]
    }

    // The mean Bradley–Terry loss, −log σ(r_chosen − r_rejected), of a head of weight [1, d_model] on last-token features
    // [rows, d_model] (its bias cancels in the difference).
    static double BradleyTerryLoss(Tensor weight, Tensor chosenFeatures, Tensor rejectedFeatures)
    {
        using var noGrad = no_grad();
        var margin = chosenFeatures.matmul(weight.t()) - rejectedFeatures.matmul(weight.t()); // [rows, 1]
        return -nn.functional.logsigmoid(margin).mean().ToDouble();
    }

    // The same of the head homework code trained: a check of it, so it takes it as the actual (see TensorHandOff), read once.
    static double BradleyTerryLoss(TorchSharp.Modules.Linear actual, Tensor chosenFeatures, Tensor rejectedFeatures)
    {
        TensorAssert.Shape(actual.weight, [1, chosenFeatures.shape[1]], "the reward model's head.weight after training");
        var weight = actual.weight!.detach().clone().to(chosenFeatures.device);
        TensorAssert.AllFinite(weight, "the reward model's head.weight after training");
        return BradleyTerryLoss(weight, chosenFeatures, rejectedFeatures);
    }

    // 1 point, taken from Train_LowersTheBradleyTerryLoss_AndTrainsOnlyTheHead (3 → 2).
    // Twenty steps, every loss compared: a learning rate that changes along the run (a warm-up, a decay after the first
    // steps) parts from the replay at some step, where the first few steps alone would agree. The replay runs on the cached
    // last-token features, so it costs next to nothing.
    [Test, Points(1)]
    public void Train_ReplaysTwentySteps_FromTheGivenGenerator_AtTheConfiguredLearningRate()
    {
        const int steps = 20, batchSize = 4;
        const double learningRate = 0.05;
        var pairs = PreferencePairs.Sample(60, seed: 926);
        // The replay: Adam over a head of the test's own that starts as the constructor's doc says (weights N(0, 1/d_model)
        // drawn with the seed, bias 0), the Bradley–Terry loss of its rewards on the rows randint(0, 60, [4]) draws from a
        // generator seeded like the one training gets (the same rows of both batches).
        var (body, vocabulary, _) = TinyGpt.Load(Device);
        var chosenFeatures = LastTokenFeatures(body, SequenceBatch.Chosen(pairs, vocabulary)); // [60, d_model]
        var rejectedFeatures = LastTokenFeatures(body, SequenceBatch.Rejected(pairs, vocabulary)); // [60, d_model]
        long d_model = body.Config.d_model;
        var replica = nn.Linear(d_model, 1);
        using (no_grad())
        using (var init = new Generator(927, CPU))
        {
            replica.weight!.copy_(normal(0, 1.0 / Math.Sqrt(d_model), [1, d_model], generator: init));
            replica.bias!.zero_();
        }
        replica.to(Device);
        var initialWeight = replica.weight!.detach().clone(); // [1, d_model]
        var expected = new double[steps];
        using (var replay = new Generator(928, CPU))
        {
            var adam = optim.Adam(replica.parameters(), lr: learningRate);
            for (int step = 0; step < steps; step++)
            {
                var index = randint(0, pairs.Count, [batchSize], generator: replay).to(Device); // [batch]
                var margin = replica.call(chosenFeatures.index_select(0, index)) - replica.call(rejectedFeatures.index_select(0, index)); // [batch, 1]
                var loss = -nn.functional.logsigmoid(margin).mean();
                adam.zero_grad();
                loss.backward();
                adam.step();
                expected[step] = loss.ToDouble();
            }
        }
        var expectedWeight = replica.weight!.detach().clone();
        var (model, vocabulary2, _) = TinyGpt.Load(Device);
        var rewardModel = new RewardModel(model, seed: 927);
        using var generator = new Generator(928, CPU);
        // The head as the constructor leaves it, checked before training: a wrong initial scale is named here, where the
        // losses would only part from the replay's at the first step.
        double initialStd = rewardModel.head.weight!.detach().std().ToDouble();
        TensorAssert.Close(rewardModel.head.weight!.detach(), initialWeight,
            name: $"the head's initial weight [1, {d_model}] of new RewardModel(the tiny GPT, seed: 927), before training: N(0, 1/d_model) drawn with " +
            $"new Generator(927, CPU), a variance of 1/d_model, so normal(0, 1/√d_model): a standard deviation of {1 / Math.Sqrt(d_model):F3}, not " +
            $"1/d_model = {1.0 / d_model:F4} (the head's is {initialStd:F4})");
        Assert.That(rewardModel.head.bias!.detach().abs().max().ToDouble(), Is.EqualTo(0), "the head's initial bias of new RewardModel(the tiny GPT, seed: 927): zero");

        var losses = RewardTraining.Train(rewardModel, SequenceBatch.Chosen(pairs, vocabulary2), SequenceBatch.Rejected(pairs, vocabulary2),
            new RewardTrainingOptions(Steps: steps, BatchSize: batchSize, LearningRate: learningRate), generator);

        Assert.That(losses, Has.Length.EqualTo(steps), "one loss per step");
        string numbers = $"losses {StepSeries.Show(losses)} against the replay's {StepSeries.Show(expected)}";
        int apart = Array.FindIndex(Enumerable.Range(0, steps).ToArray(), step => !(Math.Abs(losses[step] - expected[step]) <= 1e-4));
        if (apart == 0)
            Assert.Fail("the first step's loss: the Bradley–Terry loss of the initial head on the pairs randint(0, 60, [4], generator) draws " +
                $"(indices drawn without the given generator, or the chosen and rejected rows drawn separately, give other pairs); {numbers}");
        if (apart == 1)
            Assert.Fail($"the second step's loss, after one Adam step at LearningRate {learningRate} on the first batch (the first step's loss matches: " +
                $"is Adam given options.LearningRate, and is each step's batch drawn afresh?); {numbers}");
        if (apart > 1)
            Assert.Fail($"the losses part from {steps} steps of Adam replayed on the same pairs at step {apart} (equal before): step Adam at " +
                $"options.LearningRate at every step, with no warm-up or decay, and zero_grad each step (without it each step's gradient adds to the last one's); {numbers}");
        TensorAssert.Close(rewardModel.head.weight, expectedWeight, Tolerance.For(ScalarType.Float32, DeviceType.CPU) with { Rtol = 1e-4 },
            $"the head's weight after {steps} steps, against {steps} steps of Adam replayed on the same pairs (the losses agree: is the last step taken, " +
            "and does Train step only the head, at options.LearningRate?)");
    }

    [Test, Points(1)]
    public void Accuracy_IsTheFractionOfPairsWhoseChosenCompletionGetsTheHigherReward()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        long d_model = model.Config.d_model;
        var pairs = PreferencePairs.Sample(40, seed: 925);
        var (chosen, rejected) = (SequenceBatch.Chosen(pairs, vocabulary), SequenceBatch.Rejected(pairs, vocabulary));
        // The rewards are the test's own: a head it drew and wrote into the reward model, on a fresh tiny GPT's last residual
        // stream, never the reward model's forward (a forward returning zeros made every pair a tie and the expected accuracy 0,
        // which Accuracy returning 0 matched: red team 17, a01).
        var rewardModel = new RewardModel(model, seed: 924);
        using var seeded = new Seeded(926);
        var (weight, bias) = TestHead.Write(rewardModel, d_model, seeded, Device);
        double[] Rewards(SequenceBatch batch) => TestHead.Rewards(weight, bias, batch, Device).to(ScalarType.Float64).cpu().data<double>().ToArray();
        var (c, r) = (Rewards(chosen), Rewards(rejected));
        // A pair whose two rewards lie within float32's tolerance of each other may be ranked either way by another correct order
        // of operations: it counts as either. With a drawn head, distinct sentences are far apart, and none is that close here.
        var tolerance = Tolerance.For(ScalarType.Float32, Device.type);
        double scale = Tolerance.ScaleOf([.. c, .. r]);
        int ahead = 0, close = 0;
        for (int pair = 0; pair < c.Length; pair++)
        {
            if (Math.Abs(c[pair] - r[pair]) <= 2 * tolerance.Allowed(Math.Max(Math.Abs(c[pair]), Math.Abs(r[pair])), scale)) close++;
            else if (c[pair] > r[pair]) ahead++;
        }
        double lowest = ahead / (double)c.Length, highest = (ahead + close) / (double)c.Length;

        double accuracy = RewardTraining.Accuracy(rewardModel, chosen, rejected);

        // A fraction, which a float32 mean gives to about 1e-7: within 1e-6, far below one pair more or less (1/40).
        Assert.That(accuracy, Is.Not.NaN.And.InRange(lowest - 1e-6, highest + 1e-6),
            $"RewardTraining.Accuracy(a reward model with a head of the test's own, 40 pairs): the fraction of pairs whose chosen completion gets the " +
            $"strictly higher reward, {ahead} of {c.Length} = {lowest}{(close > 0 ? $" to {highest} ({close} pairs within rounding of a tie)" : "")}; " +
            "score both batches with the reward model (its forward, under no_grad) and compare with BradleyTerry.Accuracy");
    }
}
