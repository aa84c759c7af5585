using Course.Lens;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment.Tests;

public sealed class DpoTests : TorchTest
{
    static Tensor Of(params double[] values) => tensor(values, ScalarType.Float64);

    static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    // 1 point given to Train_ZeroesTheGradientsBeforeEachBackward (3 → 2).
    [Test, Points(2)]
    public void Loss_IsLog2_WhenThePolicyIsTheReference()
    {
        var chosen = Of(-12.5, -3.25, -40).to(Device);
        var rejected = Of(-7, -30.5, -2).to(Device);

        var loss = Dpo.Loss(chosen, rejected, chosen.clone(), rejected.clone(), beta: 0.1);

        TensorAssert.Close(loss, Of(Math.Log(2)).squeeze().to(Device),
            name: "Dpo.Loss with the policy's log-probabilities equal to the reference's: every implicit reward is 0, so the loss is -log σ(0) = log 2 " +
            "(a loss that ignores the reference model gives something else)");

        // A policy apart from the reference, in the same test: a loss that is log 2 whatever its inputs gets no point.
        double apart = (Math.Log(1 + Math.Exp(-0.75)) + Math.Log(1 + Math.Exp(0.5))) / 2;
        var moved = Dpo.Loss(Of(-3, -5).to(Device), Of(-4, -2).to(Device), Of(-3.5, -5).to(Device), Of(-3, -3).to(Device), beta: 0.5);
        TensorAssert.Close(moved, Of(apart).squeeze().to(Device),
            name: "Dpo.Loss(π_c [-3, -5], π_r [-4, -2], ref_c [-3.5, -5], ref_r [-3, -3], β 0.5), a policy apart from the reference: mean(-log σ(β[(π_c - ref_c) - (π_r - ref_r)])), not log 2");
    }

    [Test, Points(2)]
    public void Loss_MatchesTheHandComputedValue()
    {
        // Δ = (π_c − ref_c) − (π_r − ref_r) = [1.5, −1]; β Δ = [0.75, −0.5]
        double expected = (Math.Log(1 + Math.Exp(-0.75)) + Math.Log(1 + Math.Exp(0.5))) / 2;

        var loss = Dpo.Loss(Of(-3, -5).to(Device), Of(-4, -2).to(Device), Of(-3.5, -5).to(Device), Of(-3, -3).to(Device), beta: 0.5);

        TensorAssert.Close(loss, Of(expected).squeeze().to(Device),
            name: "Dpo.Loss(π_c [-3, -5], π_r [-4, -2], ref_c [-3.5, -5], ref_r [-3, -3], β 0.5) = mean(-log σ(β[(π_c - ref_c) - (π_r - ref_r)]))");

        var far = Dpo.Loss(tensor(new[] { -300f }).to(Device), zeros(1).to(Device), zeros(1).to(Device), zeros(1).to(Device), beta: 1);

        TensorAssert.Close(far, tensor(300f).to(Device),
            name: "Dpo.Loss(π_c -300, π_r 0, ref_c 0, ref_r 0, β 1) in float32 = -log σ(-300) = 300 (log(sigmoid(-300)) is log 0 = -inf there; logsigmoid is not)");
    }

    [Test, Points(3)]
    public void Loss_HasTheClosedFormGradient()
    {
        // ∂L/∂π_c(i) = −β σ(−β Δ_i) / batch and ∂L/∂π_r(i) = +β σ(−β Δ_i) / batch (Rafailov et al. 2023, section 4)
        double beta = 0.3;
        var policyChosen = Of(-3, -5, -1).to(Device).requires_grad_();
        var policyRejected = Of(-4, -2, -6).to(Device).requires_grad_();
        var referenceChosen = Of(-3.5, -5, -2).to(Device);
        var referenceRejected = Of(-3, -3, -6.5).to(Device);
        double[] delta = [1.5, -1, 0.5];
        var weight = Of(delta.Select(d => beta * Sigmoid(-beta * d) / 3).ToArray()).to(Device);

        Dpo.Loss(policyChosen, policyRejected, referenceChosen, referenceRejected, beta).backward();

        TensorAssert.Close(policyChosen.grad, -weight, name: "∂Dpo.Loss/∂π_c = -β σ(-βΔ) / batch (a pair the policy already gets right by far pulls little)");
        TensorAssert.Close(policyRejected.grad, weight, name: "∂Dpo.Loss/∂π_r = +β σ(-βΔ) / batch");
    }

    [TestCase(0.1)]
    [TestCase(2.0)]
    [Points(2)]
    public void Loss_DependsOnBetaOnlyThroughBetaTimesTheMargin(double beta)
    {
        var (pc, pr, rc, rr) = (Of(-3, -9), Of(-4, -2), Of(-3.5, -7), Of(-3, -3));

        var unit = Dpo.Loss((beta * pc).to(Device), (beta * pr).to(Device), (beta * rc).to(Device), (beta * rr).to(Device), beta: 1);
        var scaled = Dpo.Loss(pc.to(Device), pr.to(Device), rc.to(Device), rr.to(Device), beta);

        TensorAssert.Close(scaled, unit, name: $"Dpo.Loss with β = {beta}, against β = 1 with every log-probability times {beta}: β multiplies the margin of log-ratios, nothing else");
        // Δ = (π_c − ref_c) − (π_r − ref_r) = [1.5, −3]
        double expected = (Math.Log(1 + Math.Exp(-beta * 1.5)) + Math.Log(1 + Math.Exp(beta * 3))) / 2;
        TensorAssert.Close(scaled, Of(expected).squeeze().to(Device),
            name: $"Dpo.Loss(π_c [-3, -9], π_r [-4, -2], ref_c [-3.5, -7], ref_r [-3, -3], β {beta}) = mean(-log σ(β[(π_c - ref_c) - (π_r - ref_r)])), Δ = [1.5, -3]");
    }

    [Test, Points(1)]
    public void ImplicitReward_IsBetaTimesTheLogRatio()
    {
        var reward = Dpo.ImplicitReward(Of(-3, -10).to(Device), Of(-5, -8).to(Device), beta: 0.25);

        TensorAssert.Close(reward, Of(0.5, -0.5).to(Device), name: "Dpo.ImplicitReward(π [-3, -10], ref [-5, -8], β 0.25) = β (log π - log π_ref)");
    }

    [Test, Points(3)]
    public void Train_StartsAtLog2_KeepsTheReferenceFrozen_AndSeparatesTheImplicitRewards()
    {
        var (policy, vocabulary, _) = TinyGpt.Load(Device);
        var reference = TinyGpt.Load(Device).Model;
        var referenceBefore = reference.blocks[0].attn.W_Q.detach().clone();
        var pairs = PreferencePairs.Sample(200, seed: 941);
        using var generator = new Generator(942, CPU);

        var history = DpoTraining.Train(policy, reference, SequenceBatch.Chosen(pairs, vocabulary), SequenceBatch.Rejected(pairs, vocabulary),
            new DpoOptions(Beta: 0.5, Steps: 20, BatchSize: 8, LearningRate: 1e-4), generator);
        // What the training did, measured by the test: the DPO loss and implicit rewards on the first 64 of the 200 pairs, of the weights Train
        // left, against a fresh reference, with the homework's LogProbs and Dpo, which their own tests pin (TestDpo), never the
        // history Train reports (red team 18, a03).
        var measuredPairs = pairs.Take(64).ToList();
        var measured = TestDpo.Of(policy, SequenceBatch.Chosen(measuredPairs, vocabulary), SequenceBatch.Rejected(measuredPairs, vocabulary), beta: 0.5, Device);

        Assert.That(history.Loss, Has.Length.EqualTo(20), "one loss per step");
        Assert.That(history.Loss[0], Is.EqualTo(Math.Log(2)).Within(1e-4),
            "the first step's loss: the policy starts as a copy of the reference, so every implicit reward is 0 and the loss log 2 " +
            "(a loss of plain log-likelihood, with no reference model, starts far above it)");
        Assert.That(history.ChosenReward[0], Is.EqualTo(0).Within(1e-4), "the first step's mean implicit reward of the chosen completions");
        Assert.That(history.RejectedReward[0], Is.EqualTo(0).Within(1e-4), "the first step's mean implicit reward of the rejected completions");
        double margin = history.ChosenReward.TakeLast(5).Zip(history.RejectedReward.TakeLast(5), (c, r) => c - r).Average();
        Assert.That(margin, Is.GreaterThan(0), "mean implicit reward of the chosen minus the rejected over the last 5 steps: DPO raises the one above the other");
        TensorAssert.Close(reference.blocks[0].attn.W_Q, referenceBefore, Tolerance.Exact, "the reference model's blocks.0.attn.W_Q after DPO (the reference stays frozen)");
        Assert.That(reference.parameters().Count(p => p.requires_grad), Is.Zero,
            "parameters of the reference model with requires_grad true after DPO: the reference stays frozen (requires_grad false, as TinyGpt.Load gives it); " +
            "turn requires_grad on for the policy's parameters only");
        Assert.That(policy.blocks[0].attn.W_Q.detach().isclose(referenceBefore).logical_not().sum().item<long>(), Is.GreaterThan(0),
            $"entries of the policy's blocks.0.attn.W_Q (of {referenceBefore.numel()}) that DPO moved away from the reference's (none: the policy did not train)");
        Assert.That(measured.ChosenReward - measured.RejectedReward, Is.Not.NaN.And.GreaterThan(0),
            $"the mean implicit reward of the chosen minus the rejected on the first 64 of the 200 training pairs after DPO, measured by the test on the weights Train left " +
            $"(Dpo.ImplicitReward of LogProbs.OfCompletion, against a fresh reference: fix their own tests first if they fail; chosen {measured.ChosenReward:F4}, rejected {measured.RejectedReward:F4}): " +
            "20 steps of Adam on the DPO loss raise the chosen above the rejected (backward Dpo.Loss through the policy's LogProbs.OfCompletion and step Adam over every parameter)");
        Assert.That(measured.Loss, Is.Not.NaN.And.LessThan(Math.Log(2) - 0.05),
            $"the DPO loss on the first 64 of the 200 training pairs after DPO, measured by the test on the weights Train left, against log 2 = {Math.Log(2):F4} before: " +
            "20 steps of Adam at lr 1e-4 lower it by far more than 0.05");
    }

    // 1 point, taken from Train_StartsAtLog2_KeepsTheReferenceFrozen_AndSeparatesTheImplicitRewards (4 → 3).
    [Test, Points(1)]
    public void Train_UsesAdamAtTheConfiguredLearningRate_DrawsOnlyFromTheGivenGenerator_AndRecordsTheRewardsItsLossSees()
    {
        var pairs = PreferencePairs.Sample(50, seed: 943);
        var untrained = TinyGpt.Load(Device).Model.blocks[0].attn.W_Q.detach().clone();
        DpoHistory Run(HookedTransformer policy, CharVocabulary vocabulary, double learningRate, long globalSeed)
        {
            var reference = TinyGpt.Load(Device).Model;
            using var generator = new Generator(944, CPU);
            manual_seed(globalSeed);
            return DpoTraining.Train(policy, reference, SequenceBatch.Chosen(pairs, vocabulary), SequenceBatch.Rejected(pairs, vocabulary),
                new DpoOptions(Beta: 0.5, Steps: 3, BatchSize: 1, LearningRate: learningRate), generator);
        }

        var (still, vocabulary, _) = TinyGpt.Load(Device);
        Run(still, vocabulary, learningRate: 0, globalSeed: 1);
        TensorAssert.Close(still.blocks[0].attn.W_Q, untrained, Tolerance.Exact,
            "the policy's blocks.0.attn.W_Q after 3 DPO steps at LearningRate 0: Adam at learning rate 0 moves nothing (is Adam given options.LearningRate?)");
        // Positions past the longest sequence get no gradient, and Adam's step there is m̂ / (√v̂ + ε) = 0: they stay as they
        // were, bit for bit (weight decay, an L2 penalty or AdamW's, would shrink them).
        var untrainedPositions = TinyGpt.Load(Device).Model.W_pos.detach().clone(); // [n_ctx, d_model]
        long width = Math.Max(SequenceBatch.Chosen(pairs, vocabulary).Tokens.shape[1], SequenceBatch.Rejected(pairs, vocabulary).Tokens.shape[1]);
        Assert.That(width, Is.LessThan(untrainedPositions.shape[0]), "test setup: the pairs leave positions of W_pos unused");
        var trained = TinyGpt.Load(Device).Model;
        var first = Run(trained, vocabulary, learningRate: 1e-3, globalSeed: 1);
        TensorAssert.Close(trained.W_pos[TensorIndex.Slice(width)], untrainedPositions[TensorIndex.Slice(width)], Tolerance.Exact,
            $"the policy's W_pos from position {width} on, which no pair reaches, after 3 DPO steps at LearningRate 1e-3: Adam leaves a parameter without gradient as it was (optim.Adam on the DPO loss alone, as the docs say, without weight decay, which shrinks it)");
        Assert.That(trained.blocks[0].attn.W_Q.detach().isclose(untrained).logical_not().sum().item<long>(), Is.GreaterThan(0),
            $"entries of the policy's blocks.0.attn.W_Q (of {untrained.numel()}) that 3 DPO steps at LearningRate 1e-3 moved (none: the policy did not train; Adam over the policy's parameters at options.LearningRate)");
        Assert.That(first.Loss[0], Is.EqualTo(Math.Log(2)).Within(1e-4),
            "the first step's loss: the policy starts as a copy of the reference, so both implicit rewards are 0 and the loss is log 2");
        // The history pinned to the test's own: the 3 steps written out (TestDpo.Replay), each step's loss and mean implicit
        // rewards by the homework's LogProbs and Dpo (pinned by their own tests), so a history Train made up, or one of steps it
        // did not take, parts from it (red team 18, a03).
        Assert.That(first.Loss, Has.Length.EqualTo(3), "DpoHistory.Loss: one loss per step");
        Assert.That(first.ChosenReward, Has.Length.EqualTo(3), "DpoHistory.ChosenReward: one mean reward per step");
        Assert.That(first.RejectedReward, Has.Length.EqualTo(3), "DpoHistory.RejectedReward: one mean reward per step");
        var replay = TestDpo.Replay(SequenceBatch.Chosen(pairs, vocabulary), SequenceBatch.Rejected(pairs, vocabulary), beta: 0.5, steps: 3, batchSize: 1, learningRate: 1e-3, seed: 944, Device);
        // Each step compared at the scale of the log-probabilities its margin is the difference of (TestDpo.Replay's Scale): a
        // reward of 0.08 is β times the difference of log-probabilities of about -30, and carries their rounding error.
        var tolerance = Tolerance.For(ScalarType.Float32, Device.type);
        foreach (var (name, actual, expected) in new[] { ("Loss", first.Loss, replay.Loss), ("ChosenReward", first.ChosenReward, replay.ChosenReward), ("RejectedReward", first.RejectedReward, replay.RejectedReward) })
            if (Enumerable.Range(0, expected.Length).Where(step => !(Math.Abs(actual[step] - expected[step]) <= tolerance.Allowed(expected[step], replay.Scale[step]))).DefaultIfEmpty(-1).First() is var step and >= 0)
                Assert.Fail($"DpoHistory.{name} of 3 DPO steps of one pair at LearningRate 1e-3 parts at step {step} from the same 3 steps written out (Adam over every " +
                    "parameter of the policy on the DPO loss of both sides' log-probabilities, the pair drawn with randint(0, 50, [1], generator), each step's values " +
                    $"recorded before its update): {StepSeries.Show(actual)} against {StepSeries.Show(expected)}");
        var second = Run(TinyGpt.Load(Device).Model, vocabulary, learningRate: 1e-3, globalSeed: 2);
        Assert.That(second.Loss, Is.EqualTo(first.Loss).Within(1e-5),
            "the losses of 3 DPO steps, trained twice with generators seeded alike after different torch.manual_seed calls: " +
            "they differ, so the pairs are not drawn (only) from the given generator");
        Assert.That(second.ChosenReward, Is.EqualTo(first.ChosenReward).Within(1e-5),
            "the mean implicit rewards of the chosen completions over 3 DPO steps, trained twice with generators seeded alike after different torch.manual_seed calls");
        // With one pair a step, the loss is -log σ(r_c - r_r) of that step's implicit rewards r = β (log π - log π_ref).
        for (int step = 0; step < first.Loss.Length; step++)
        {
            double expected = Math.Log(1 + Math.Exp(-(first.ChosenReward[step] - first.RejectedReward[step])));
            Assert.That(first.Loss[step], Is.EqualTo(expected).Within(Tolerance.For(ScalarType.Float32, Device.type).Allowed(expected, 1)),
                $"step {step} with a batch of one pair: the loss should be -log σ(ChosenReward - RejectedReward), the rewards recorded with β " +
                "(Dpo.ImplicitReward), as the loss sees them");
        }
    }

    // 1 point, taken from Loss_IsLog2_WhenThePolicyIsTheReference (3 → 2).
    [Test, Points(1)]
    public void Train_ZeroesTheGradientsBeforeEachBackward()
    {
        // One pair, so every step draws it, and a learning rate of 0, so every step sees the same policy: each step's
        // gradient is the same, and the one left after 2 steps must be the one left after 1, not twice it (a loop that
        // zeroes the gradients after its step leaves none or zeros after either, which is as right).
        var pairs = PreferencePairs.Sample(1, seed: 945);
        var (once, vocabulary, _) = TinyGpt.Load(Device);
        var twice = TinyGpt.Load(Device).Model;
        void Train(HookedTransformer policy, int steps)
        {
            var reference = TinyGpt.Load(Device).Model;
            using var generator = new Generator(946, CPU);
            DpoTraining.Train(policy, reference, SequenceBatch.Chosen(pairs, vocabulary), SequenceBatch.Rejected(pairs, vocabulary),
                new DpoOptions(Beta: 0.5, Steps: steps, BatchSize: 1, LearningRate: 0), generator);
        }

        Train(once, steps: 1);
        Train(twice, steps: 2);

        // ‖g₂ − g₁‖ / ‖g₁‖: 0 up to float noise (about 1e-6) when each step starts from zero, 1 when the second adds to the first.
        Assert.That(RelativeGap(twice.blocks[0].attn.W_Q.grad, once.blocks[0].attn.W_Q.grad), Is.Not.NaN.And.LessThan(1e-3),
            "the gradient of blocks.0.attn.W_Q left by 2 DPO steps at LearningRate 0 on one pair, against the one left by 1 step, " +
            "relative to it: each step's gradient is the same, so a larger one means gradients add up across steps (zero_grad before each backward)");

        // The same pair at a learning rate above 0: the policy moves, so the gradients compared above came from a real backward.
        var moved = TinyGpt.Load(Device).Model;
        var untrained = moved.blocks[0].attn.W_Q.detach().clone();
        var reference = TinyGpt.Load(Device).Model;
        using (var generator = new Generator(946, CPU))
            DpoTraining.Train(moved, reference, SequenceBatch.Chosen(pairs, vocabulary), SequenceBatch.Rejected(pairs, vocabulary),
                new DpoOptions(Beta: 0.5, Steps: 1, BatchSize: 1, LearningRate: 1e-3), generator);
        Assert.That(moved.blocks[0].attn.W_Q.detach().isclose(untrained).logical_not().sum().item<long>(), Is.GreaterThan(0),
            $"entries of the policy's blocks.0.attn.W_Q (of {untrained.numel()}) that 1 DPO step at LearningRate 1e-3 moved (none: the policy did not train; backward the DPO loss and step Adam over the policy's parameters)");
        // "No gradient left" above is right only for a loop that zeroes after its step, and "a weight moved" is no proof of a
        // backward (a nudge to W_Q passed both: red team 18, a03). The step must lower the pair's DPO loss, measured by the test.
        var measured = TestDpo.Of(moved, SequenceBatch.Chosen(pairs, vocabulary), SequenceBatch.Rejected(pairs, vocabulary), beta: 0.5, Device);
        Assert.That(measured.Loss, Is.Not.NaN.And.LessThan(Math.Log(2) - 0.05),
            $"the pair's DPO loss after 1 DPO step at LearningRate 1e-3, measured by the test on the weights Train left, against log 2 = {Math.Log(2):F4} before: " +
            "one Adam step along the DPO loss's gradient lowers it by far more than 0.05 (backward Dpo.Loss through the policy's log-probabilities, then step Adam over every parameter)");

        static double RelativeGap(Tensor? after2, Tensor? after1)
        {
            double norm1 = after1 is null ? 0 : after1.norm().ToDouble();
            double norm2 = after2 is null ? 0 : after2.norm().ToDouble();
            if (norm1 == 0) return norm2 == 0 ? 0 : double.PositiveInfinity;
            return after2 is null ? 1 : (after2 - after1!).norm().ToDouble() / norm1;
        }
    }
}
