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
        long d_model = model.Config.d_model;
        var rewardModel = new RewardModel(model, seed: 921);
        var pairs = PreferencePairs.Sample(400, seed: 922);
        // Training is judged by what it did, never by the losses Train reports (a made-up falling curve and no training passed:
        // red team 18, a02). The head starts from the test's own draw, and the Bradley–Terry loss on the first 200 of the 400
        // training pairs is measured before and after with the homework's own RewardModel.forward and BradleyTerry.Loss (pinned
        // by their tests) on a fresh reward model over a fresh tiny GPT holding the head: the test's draw before, the weights
        // Train left after.
        using var seeded = new Seeded(929);
        var (weight, bias) = TestHead.Write(rewardModel, d_model, seeded, Device);
        // Batches of the test's own for each measure, and others for Train: homework code may change in place what it is given.
        SequenceBatch Chosen() => SequenceBatch.Chosen(pairs, vocabulary);
        SequenceBatch Rejected() => SequenceBatch.Rejected(pairs, vocabulary);
        var measured = arange(200); // [200]: the pairs the loss is measured on
        Tensor firstIndex; // [32]: the first step's pairs
        using (var replay = new Generator(923, CPU))
            firstIndex = randint(0, pairs.Count, [32], generator: replay);
        var start = TestHead.Rewards(weight, bias, Device, Chosen().Rows(measured), Rejected().Rows(measured), Chosen().Rows(firstIndex), Rejected().Rows(firstIndex)); // [200], [200], [32], [32]
        TestHead.AssertNotAllTied(TestHead.Values(start[0]), "200 chosen completions with the head the test drew, before training");
        double lossBefore = BradleyTerry.Loss(start[0], start[1]).ToDouble();
        double firstStep = BradleyTerry.Loss(start[2], start[3]).ToDouble();
        using var generator = new Generator(923, CPU);

        var losses = RewardTraining.Train(rewardModel, Chosen(), Rejected(), new RewardTrainingOptions(Steps: 60, BatchSize: 32, LearningRate: 1e-2), generator);

        Assert.That(losses, Has.Length.EqualTo(60), "one loss per step");
        Assert.That(losses, Is.All.Matches<double>(double.IsFinite), "every loss is finite");
        Assert.That(losses[0], Is.EqualTo(firstStep).Within(Tolerance.For(ScalarType.Float32, Device.type).Allowed(firstStep, Math.Abs(firstStep))),
            "the first step's reported loss: the Bradley–Terry loss of the head as it starts (the test's draw) on the 32 pairs randint(0, 400, [32], generator) " +
            "draws, computed before the step's update; record each step's loss.ToDouble() of the loss you backpropagate");
        double first = losses.Take(10).Average(), last = losses.TakeLast(10).Average();
        Assert.That(last, Is.Not.NaN.And.LessThan(first - 0.05), $"mean loss of the last 10 steps ({last:F3}) against the first 10 ({first:F3}): 60 steps of Adam at lr 1e-2 lower it by far more than 0.05");
        double lossAfter = LossOf(rewardModel.head, Chosen().Rows(measured), Rejected().Rows(measured));
        Assert.That(lossAfter, Is.Not.NaN.And.LessThan(lossBefore - 0.05),
            $"the Bradley–Terry loss on the first 200 of the 400 training pairs of the head Train leaves (RewardModel.forward and BradleyTerry.Loss on a fresh reward model holding it), against " +
            $"{lossBefore:F3} before training: 60 steps of Adam at lr 1e-2 lower it by far more than 0.05; step Adam over HeadParameters() on BradleyTerry.Loss " +
            "of the reward model's rewards");
        TensorAssert.Close(model.W_E, before, Tolerance.Exact, "the tiny GPT's W_E after reward training (only the head trains)");
        using (no_grad())
            TensorAssert.Close(model.call(probe), logitsBefore, Tolerance.Exact, "the tiny GPT's logits on four sentences after reward training (only the head trains)");
        Assert.That(model.parameters().Count(p => p.requires_grad), Is.Zero,
            "parameters of the reward model's tiny GPT with requires_grad true after reward training: Base stays frozen (requires_grad false), " +
            "and Adam trains HeadParameters() only; do not turn requires_grad on for the whole model");
    }

    // The Bradley–Terry loss on the pairs of chosen and rejected of the head homework code trained, read back (its weight and bias) and written into a
    // fresh reward model: a check of that head, so it takes it as the actual (see TensorHandOff), read once.
    static double LossOf(TorchSharp.Modules.Linear actual, SequenceBatch chosen, SequenceBatch rejected)
    {
        var (weight, bias) = (actual.weight!.detach().clone(), actual.bias!.detach().clone());
        TensorAssert.AllFinite(weight, "the reward model's head.weight after training");
        TensorAssert.AllFinite(bias, "the reward model's head.bias after training");
        var after = TestHead.Rewards(weight, bias, TestDevice.Current, chosen, rejected); // [rows] each
        return BradleyTerry.Loss(after[0], after[1]).ToDouble();
    }

    // 1 point, taken from Train_LowersTheBradleyTerryLoss_AndTrainsOnlyTheHead (3 → 2).
    // Twenty steps, every loss compared: a learning rate that changes along the run (a warm-up, a decay after the first
    // steps) parts from the replay at some step, where the first few steps alone would agree. The replay runs the homework's
    // own RewardModel.forward and BradleyTerry.Loss (pinned by their tests) on a fresh reward model, on batches of 4 rows.
    [Test, Points(1)]
    public void Train_ReplaysTwentySteps_FromTheGivenGenerator_AtTheConfiguredLearningRate()
    {
        const int steps = 20, batchSize = 4;
        const double learningRate = 0.05;
        var pairs = PreferencePairs.Sample(60, seed: 926);
        // The replay: Adam over the head of a fresh reward model, written by the test to start as the constructor's doc says
        // (weights N(0, 1/d_model) drawn with the seed, bias 0), the Bradley–Terry loss of its rewards on the rows
        // randint(0, 60, [4]) draws from a generator seeded like the one training gets (the same rows of both batches).
        var (body, vocabulary, _) = TinyGpt.Load(Device);
        var (chosen, rejected) = (SequenceBatch.Chosen(pairs, vocabulary), SequenceBatch.Rejected(pairs, vocabulary));
        long d_model = body.Config.d_model;
        var replica = new RewardModel(body, seed: 0);
        Tensor initialWeight; // [1, d_model]
        using (var init = new Generator(927, CPU))
            initialWeight = normal(0, 1.0 / Math.Sqrt(d_model), [1, d_model], generator: init).to(Device);
        TestHead.Write(replica, initialWeight, zeros(1, device: Device));
        var expected = new double[steps];
        using (var replay = new Generator(928, CPU))
        {
            var adam = optim.Adam(replica.head.parameters(), lr: learningRate);
            for (int step = 0; step < steps; step++)
            {
                var index = randint(0, pairs.Count, [batchSize], generator: replay); // [batch]
                var (c, r) = (chosen.Rows(index).To(Device), rejected.Rows(index).To(Device));
                var loss = BradleyTerry.Loss(replica.call(c.Tokens, c.Lengths), replica.call(r.Tokens, r.Lengths));
                if (!loss.requires_grad)
                    Assert.Fail("the test's replay of Adam on BradleyTerry.Loss of RewardModel.forward's rewards has no gradient to step: compute the rewards " +
                        "with the head, outside no_grad, as RewardModelTests.Forward_LetsGradientsReachTheHead_AndNotTheFrozenModel asks");
                adam.zero_grad();
                loss.backward();
                adam.step();
                expected[step] = loss.ToDouble();
            }
        }
        var expectedWeight = replica.head.weight!.detach().clone();
        // A replay that moves nothing would agree with a Train that does nothing: the rewards must give the head a gradient.
        Assert.That((expectedWeight - initialWeight).abs().max().ToDouble(), Is.GreaterThan(0),
            $"the head after the test's replay of {steps} Adam steps on BradleyTerry.Loss of RewardModel.forward's rewards: moved from where it started, " +
            "since a head the test drew scores a pair's two completions differently; compute the rewards as RewardModelTests.Forward_AppliesTheHead" +
            "ToTheFinalLayerNormsOutput_AtEachRowsLastToken asks, through the head");
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
        // The rewards come from a head the test drew and wrote into the reward model, never the constructor's, through
        // RewardModel.forward (pinned by its golden test) on a fresh reward model holding that head; and the pairs must not tie:
        // a forward returning zeros made every pair a tie and the expected accuracy 0, which Accuracy returning 0 matched
        // (red team 17, a01).
        var rewardModel = new RewardModel(model, seed: 924);
        using var seeded = new Seeded(926);
        var (weight, bias) = TestHead.Write(rewardModel, d_model, seeded, Device);
        var rewards = TestHead.Rewards(weight, bias, Device, chosen, rejected); // [40] each
        var (c, r) = (TestHead.Values(rewards[0]), TestHead.Values(rewards[1]));
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
        // A drawn head leaves no pair here within rounding of a tie; a forward that ties a pair's two completions (zeros, the
        // bias alone, a position of the prompt both share) leaves most, and any accuracy would then be within range.
        Assert.That(close, Is.LessThanOrEqualTo(c.Length / 10),
            $"pairs of the 40 whose chosen and rejected rewards, by RewardModel.forward on a fresh reward model holding a head the test drew, lie within " +
            $"rounding of a tie: at most {c.Length / 10} (a drawn head gives a pair's two distinct completions distinct rewards), got {close}; compute the rewards as " +
            "RewardModelTests.Forward_AppliesTheHeadToTheFinalLayerNormsOutput_AtEachRowsLastToken asks (the head on ln_final.hook_normalized at each row's last token)");
        double lowest = ahead / (double)c.Length, highest = (ahead + close) / (double)c.Length;

        double accuracy = RewardTraining.Accuracy(rewardModel, chosen, rejected);

        // A fraction, which a float32 mean gives to about 1e-7: within 1e-6, far below one pair more or less (1/40).
        Assert.That(accuracy, Is.Not.NaN.And.InRange(lowest - 1e-6, highest + 1e-6),
            $"RewardTraining.Accuracy(a reward model with a head of the test's own, 40 pairs): the fraction of pairs whose chosen completion gets the " +
            $"strictly higher reward, {ahead} of {c.Length} = {lowest}{(close > 0 ? $" to {highest} ({close} pairs within rounding of a tie)" : "")}; " +
            "score both batches with the reward model (its forward, under no_grad) and compare with BradleyTerry.Accuracy");
    }
}
