using Course.Lens;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment.HiddenTests;

/// <summary>
/// <see cref="DpoTraining.Train"/> against its loop written out, step by step, on a twin of the policy: what the training test
/// can only see through a threshold on one seed, this sees exactly, at every step of twenty. The loop computes the
/// completions' log-probabilities and the DPO loss by the formulas themselves, never through the submission's
/// <see cref="LogProbs"/> or <see cref="Dpo"/>, so homework code does not choose what Train is compared with.
/// </summary>
public sealed class HiddenDpoTrainingTests : TorchTest
{
    const double Beta = 0.2, LearningRate = 1e-3; // β not DpoOptions' default 0.5, so a Train that ignores options.Beta shows
    // Twenty steps of two pairs: a learning rate that changes along the run (a warm-up, a decay after the first steps)
    // parts from the loop at some step, where the first few steps alone would agree; the tiny GPT keeps it cheap.
    const int Steps = 20, BatchSize = 2;

    // 1 point, taken from AlignmentTrainingTests.Dpo_RaisesThePreferenceRate_WithinAKlBudget_AndKeepsAgreement (12 → 11).
    [Test, Points(1)]
    public void Train_MatchesALoopOfAdamStepsOnTheDpoLoss_OfPairsDrawnTogether()
    {
        var pairs = PreferencePairs.Sample(40, seed: 985);
        var (policy, vocabulary, _) = TinyGpt.Load(Device);
        var (chosen, rejected) = (SequenceBatch.Chosen(pairs, vocabulary), SequenceBatch.Rejected(pairs, vocabulary));
        DpoHistory history;
        // Train gets batches of its own: the loop below reads chosen and rejected, which homework code could change in place.
        using (var generator = new Generator(986, CPU))
            history = DpoTraining.Train(policy, TinyGpt.Load(Device).Model, SequenceBatch.Chosen(pairs, vocabulary), SequenceBatch.Rejected(pairs, vocabulary),
                new DpoOptions(Beta, Steps, BatchSize, LearningRate), generator);

        // The loop as the docs say it: Adam over every parameter of the policy, each step's pair indices from one randint on a
        // generator of the same seed, the same rows of chosen and rejected, the DPO loss of both sides' log-probabilities, and
        // the batch's mean implicit rewards recorded before the step's update.
        var twin = TinyGpt.Load(Device).Model;
        var reference = TinyGpt.Load(Device).Model;
        foreach (var parameter in twin.parameters()) parameter.requires_grad = true;
        var optimizer = optim.Adam(twin.parameters(), lr: LearningRate);
        using var replay = new Generator(986, CPU);
        var (loss, chosenReward, rejectedReward) = (new double[Steps], new double[Steps], new double[Steps]);
        for (int step = 0; step < Steps; step++)
        {
            var index = randint(0, chosen.Count, [BatchSize], generator: replay); // [batch]
            var (c, r) = (chosen.Rows(index).To(Device), rejected.Rows(index).To(Device));
            Tensor referenceChosen, referenceRejected;
            using (no_grad())
                (referenceChosen, referenceRejected) = (CompletionLogProbs(reference, c), CompletionLogProbs(reference, r)); // [batch] each
            var (policyChosen, policyRejected) = (CompletionLogProbs(twin, c), CompletionLogProbs(twin, r)); // [batch] each
            // −mean(log σ(β [(log π_θ(c) − log π_ref(c)) − (log π_θ(r) − log π_ref(r))])), the paper's equation 7
            var stepLoss = -nn.functional.logsigmoid(Beta * ((policyChosen - referenceChosen) - (policyRejected - referenceRejected))).mean();
            optimizer.zero_grad();
            stepLoss.backward();
            optimizer.step();
            loss[step] = stepLoss.ToDouble();
            chosenReward[step] = (Beta * (policyChosen.detach() - referenceChosen)).mean().ToDouble();
            rejectedReward[step] = (Beta * (policyRejected.detach() - referenceRejected)).mean().ToDouble();
        }

        Assert.That(history.Loss, Has.Length.EqualTo(Steps), "DpoHistory.Loss: one loss per step");
        Assert.That(history.ChosenReward, Has.Length.EqualTo(Steps), "DpoHistory.ChosenReward: one mean reward per step");
        Assert.That(history.RejectedReward, Has.Length.EqualTo(Steps), "DpoHistory.RejectedReward: one mean reward per step");
        var tolerance = Tolerance.For(ScalarType.Float32, Device.type);
        int FirstApart(double[] actual, double[] expected) => StepSeries.FirstApart(actual, expected, tolerance);
        string numbers = $"losses {StepSeries.Show(history.Loss)} against {StepSeries.Show(loss)} ({Steps} steps of {BatchSize} pairs, β {Beta}, learning rate {LearningRate})";
        int apart = FirstApart(history.Loss, loss);
        // Where the losses part, first see whether Dpo.Loss or LogProbs.OfCompletion differ from their formulas on their own
        // (the first step's loss is log 2 whatever β does, so a wrong Dpo.Loss often parts only at step 1).
        if (apart >= 0 && LossOrLogProbsDiffer(chosen.Rows(arange(BatchSize)).To(Device)) is { } which)
            Assert.Fail($"DpoTraining.Train's losses part from a loop of Adam steps on the DPO loss written out at step {apart}, and {which}: " +
                $"fix that first (DpoTests and LogProbsTests check it on their own); {numbers}");
        if (apart == 0)
            Assert.Fail("DpoTraining.Train's first loss differs from a loop of Adam steps on the DPO loss written out, though the policy starts as a copy of the " +
                $"reference (Dpo.Loss and LogProbs.OfCompletion agree with their formulas here): compute Dpo.Loss of the policy's and the reference's " +
                $"LogProbs.OfCompletion of the step's chosen and rejected rows; {numbers}");
        if (apart > 0)
            Assert.Fail($"DpoTraining.Train's losses part from a loop of Adam steps on the DPO loss written out at step {apart} (equal before; Dpo.Loss and " +
                "LogProbs.OfCompletion agree with their formulas here, so the loop differs): one randint(0, chosen.Count, [BatchSize], generator) per step " +
                $"for the rows of both chosen and rejected, backward through both sides' log-probabilities, Adam at options.LearningRate every step; {numbers}");
        foreach (var (name, actual, expected) in new[] { ("ChosenReward", history.ChosenReward, chosenReward), ("RejectedReward", history.RejectedReward, rejectedReward) })
            if (FirstApart(actual, expected) is var step and >= 0)
                Assert.Fail($"DpoHistory.{name} parts from a loop of Adam steps written out at step {step}, though the losses agree: record the batch's mean " +
                    $"of Dpo.ImplicitReward(policy log-probabilities, reference log-probabilities, β), before the step's update; {StepSeries.Show(actual)} against {StepSeries.Show(expected)}");

        // The policy starts as a copy of the reference, so the first loss is log 2; after Adam steps the policy has moved, and the later losses leave log 2.
        Assert.That(history.Loss[0], Is.EqualTo(Math.Log(2)).Within(1e-4),
            $"DpoTraining.Train's first loss: the policy starts as a copy of the reference, so every implicit reward is 0 and the loss is log 2; {numbers}");
        double moved = history.Loss.Skip(1).Max(l => Math.Abs(l - Math.Log(2)));
        Assert.That(moved, Is.Not.NaN.And.GreaterThan(1e-4),
            $"DpoTraining.Train's losses after the first step stay at log 2: the policy did not move, or the loss does not see its log-probabilities " +
            $"(LogProbs.OfCompletion of the policy, Dpo.Loss of both sides' log-probabilities, backward, Adam step); {numbers}");
    }

    /// <summary>
    /// What differs, in words, when YOUR Dpo.Loss (on the test's own log-probabilities) or LogProbs.OfCompletion (on a
    /// fresh model's logits for <paramref name="rows"/>) differs from its formula; null when both agree.
    /// </summary>
    static string? LossOrLogProbsDiffer(SequenceBatch rows)
    {
        var tolerance = Tolerance.For(ScalarType.Float32, Device.type);
        using var seeded = new Seeded(987);
        var (policyChosen, policyRejected) = (seeded.Randn([4]) - 20, seeded.Randn([4]) - 20); // [4] each
        var (referenceChosen, referenceRejected) = (seeded.Randn([4]) - 20, seeded.Randn([4]) - 20); // [4] each
        var expectedLoss = -nn.functional.logsigmoid(Beta * ((policyChosen - referenceChosen) - (policyRejected - referenceRejected))).mean();
        if (TensorAssert.CloseFailure(Dpo.Loss(policyChosen.clone(), policyRejected.clone(), referenceChosen.clone(), referenceRejected.clone(), Beta),
                expectedLoss, tolerance) is not null)
            return $"Dpo.Loss differs from −mean(log σ(β [(log π_θ(c) − log π_ref(c)) − (log π_θ(r) − log π_ref(r))])) at β = {Beta}";
        Tensor logits;
        using (no_grad())
            logits = TinyGpt.Load(Device).Model.call(rows.Tokens); // [batch, pos, d_vocab]
        var expected = CompletionLogProbsOf(logits, rows); // [batch]
        if (TensorAssert.CloseFailure(LogProbs.OfCompletion(logits.clone(), rows.Tokens.clone(), rows.CompletionMask.clone()), expected, tolerance) is not null)
            return "LogProbs.OfCompletion differs from the sum over the completion's tokens t of log softmax(logits[b, t - 1])[tokens[b, t]]";
        return null;
    }

    // log π(y | x) of each row's completion, [batch] in float32 as the logits: the sum over the positions t of the completion's
    // tokens of log softmax(logits[b, t - 1])[tokens[b, t]], computed here, not by the submission's LogProbs.
    static Tensor CompletionLogProbs(HookedTransformer model, SequenceBatch batch) => CompletionLogProbsOf(model.call(batch.Tokens), batch);

    static Tensor CompletionLogProbsOf(Tensor logits, SequenceBatch batch)
    {
        var logProbs = logits[.., ..^1].log_softmax(-1); // [batch, pos - 1, d_vocab]
        var picked = logProbs.gather(-1, batch.Tokens[.., 1..].unsqueeze(-1)).squeeze(-1); // [batch, pos - 1]: token t + 1 from position t
        return where(batch.CompletionMask[.., 1..], picked, zeros_like(picked)).sum(1); // [batch]
    }
}
