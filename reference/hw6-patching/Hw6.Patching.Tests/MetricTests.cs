using Course.Lens;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw6.Patching.Tests;

public sealed class MetricTests : TorchTest
{
    static MinimalPair[] TwoPairs => [new("this dog run", "the dogs run", false), new("the cats run", "this cat run", true)];

    [Test, Points(3)]
    public void AgreementLogitDiff_IsTheLastPositionsSMinusSpace_SignedTowardTheCleanAnswer_ForAnyBatch()
    {
        var (_, vocabulary, _) = TinyGpt.Load();
        var batch = PairBatch.Of(TwoPairs, vocabulary);
        using var seeded = new Seeded(600);
        var logits = seeded.Randn([2, 12, vocabulary.Size]); // [batch, pos, d_vocab]
        long s = vocabulary.Id('s'), space = vocabulary.Id(' ');
        var expected = tensor(new[]
        {
            logits[0, 11, s].item<float>() - logits[0, 11, space].item<float>(), // singular clean subject: "runs" is right
            logits[1, 11, space].item<float>() - logits[1, 11, s].item<float>(), // plural: "run" is right
        });

        var first = logits[..1].clone(); // [1, pos, d_vocab]
        var flipped = logits.flip(0); // the pairs in the other order, plural first

        var diff = AgreementLogitDiff.Of(logits.to(Device), batch, vocabulary);
        var ofOne = AgreementLogitDiff.Of(first.to(Device), PairBatch.Of(TwoPairs[..1], vocabulary), vocabulary);
        var ofReversed = AgreementLogitDiff.Of(flipped.to(Device), PairBatch.Of([TwoPairs[1], TwoPairs[0]], vocabulary), vocabulary);

        TensorAssert.Close(diff, expected.to(Device), name: "logit(s) - logit(' ') at the last position, times +1 for a singular clean subject and -1 for a plural one");
        TensorAssert.Close(ofOne, expected[..1].to(Device), name: "the same for a batch of one pair, [1] (keep the batch axis: index the last position, do not squeeze)");
        TensorAssert.Close(ofReversed, expected.flip(0).to(Device), name:
            "the same two pairs in the other order, plural first: each pair's sign comes from its own PluralClean, not from its place in the batch");
    }

    [Test, Points(3)]
    public void PromptLoss_IsTheMeanCrossEntropyOfEachNextCharacter_EndingWithTheAgreeingForm()
    {
        var (_, vocabulary, _) = TinyGpt.Load();
        var batch = PairBatch.Of(TwoPairs, vocabulary);
        using var seeded = new Seeded(601);
        var logits = seeded.Randn([2, 12, vocabulary.Size], ScalarType.Float64); // [batch, pos, d_vocab]
        var logProbs = logits.log_softmax(-1);
        double total = 0;
        for (int b = 0; b < 2; b++)
        {
            var next = TwoPairs[b].Clean[1..] + (TwoPairs[b].PluralClean ? " " : "s"); // "his dog runs" for "this dog run"
            for (int p = 0; p < 12; p++) total -= logProbs[b, p, vocabulary.Id(next[p])].ToDouble();
        }

        var flipped = logits.flip(0); // the pairs in the other order, plural first
        var onDevice = logits.to(Device);
        var logitsBefore = logits.clone();

        var loss = PromptLoss.Of(onDevice, batch, vocabulary);
        var ofReversed = PromptLoss.Of(flipped.to(Device), PairBatch.Of([TwoPairs[1], TwoPairs[0]], vocabulary), vocabulary);

        TensorAssert.Close(loss, tensor(total / 24).to(Device), name: "mean over 2 prompts x 12 positions of -log p(next character)");
        TensorAssert.Close(ofReversed, tensor(total / 24).to(Device), name:
            "the same two pairs in the other order, plural first: each prompt's last target is the ending that agrees with its own clean subject (PluralClean), not one taken from its place in the batch");
        TensorAssert.Close(onDevice, logitsBefore.to(Device), Tolerance.Exact,
            "the logits after PromptLoss.Of(logits, ...): compute on a copy (log_softmax, cross_entropy), never change the caller's logits with sub_");
    }

    [Test, Points(3)]
    public void PatchingMetric_OnTheCheckpoint_ScoresTheCorruptedRunZero_AndTheCleanRunOne_MeasuredWithoutGradients()
    {
        var (model, vocabulary, batch, metric) = Pairs.OnCheckpoint(Pairs.Long, Device);
        Tensor cleanLogits, corruptedLogits;
        using (no_grad())
            (cleanLogits, corruptedLogits) = (model.call(batch.Clean.to(Device)), model.call(batch.Corrupted.to(Device)));
        // A second copy of the checkpoint, as while it is trained: an activation of a run with gradients on now requires grad.
        var (trainable, _, _, _) = Pairs.OnCheckpoint(Pairs.Short, Device);
        var gradients = new GradientWatch(trainable);
        bool gradAfter;
        using (enable_grad()) // a caller with autograd on, whatever the setup's own calls of Measure left
        using (gradients)
        {
            PatchingMetric.Measure(trainable, batch, vocabulary);
            gradAfter = is_grad_enabled();
        }
        using var noGrad = no_grad();

        var clean = metric.Score(cleanLogits).ToDouble();
        var corrupted = metric.Score(corruptedLogits).ToDouble();
        // (d - Corrupted) / (Clean - Corrupted) whichever is larger: with the two swapped, the clean run scores 0 and the corrupted run 1.
        var swapped = metric with { Clean = metric.Corrupted, Corrupted = metric.Clean };
        var (cleanSwapped, corruptedSwapped) = (swapped.Score(cleanLogits).ToDouble(), swapped.Score(corruptedLogits).ToDouble());

        Assert.That(metric.Clean, Is.GreaterThan(1), "the model agrees with the clean subjects: mean signed logit difference of the clean run");
        Assert.That(metric.Corrupted, Is.Not.NaN.And.LessThan(-1), "and with the corrupted ones, whose answer is the other form");
        // Each score is float32 arithmetic on logits of size ~5: a few ulps of 5 over a denominator of ~3.5.
        Assert.That(clean, Is.EqualTo(1).Within(1e-5), "Score of the clean logits");
        Assert.That(corrupted, Is.EqualTo(0).Within(1e-5), "Score of the corrupted logits");
        Assert.That(cleanSwapped, Is.EqualTo(0).Within(1e-5),
            "Score of the clean logits by a metric whose Clean and Corrupted are swapped (Clean below Corrupted): (d - Corrupted) / (Clean - Corrupted), the difference itself, not its magnitude");
        Assert.That(corruptedSwapped, Is.EqualTo(1).Within(1e-5),
            "Score of the corrupted logits by a metric whose Clean and Corrupted are swapped (Clean below Corrupted): divide by Clean - Corrupted, not by its magnitude");
        Assert.That(gradients.Seen, Is.Not.Empty.And.All.False, "gradients on as each forward pass of the model in Measure began, while its parameters require grad: expected off in every pass (run the prompts under no_grad, as the doc says)");
        Assert.That(gradAfter, Is.True,
            "autograd after PatchingMetric.Measure returned to a caller that had it on: still off, so no_grad() was never disposed (using var noGrad = no_grad(), which puts the mode back)");

        // A batch that is not balanced, three singular clean subjects and one plural: the metric's mean is the plain mean over
        // the pairs, computed here from the test's own runs, so the plural pair weighs as much as each singular one.
        var unbalancedPairs = Pairs.Unbalanced(Pairs.Long);
        var unbalanced = PairBatch.Of([.. unbalancedPairs], vocabulary);
        var (ownClean, ownCorrupted) = (model.call(unbalanced.Clean.to(Device)), model.call(unbalanced.Corrupted.to(Device)));
        double expectedClean = Pairs.SignedLogitDiffs(ownClean, unbalancedPairs, vocabulary).Average();
        double expectedCorrupted = Pairs.SignedLogitDiffs(ownCorrupted, unbalancedPairs, vocabulary).Average();
        // The three singular pairs' corrupted rows with the plural pair's clean row: a mix whose plain mean is far from the mean of the two classes' means.
        var mixed = cat([ownCorrupted[..3], ownClean[3..]]); // [4, pos, d_vocab]
        double expectedMixed = (Pairs.SignedLogitDiffs(mixed, unbalancedPairs, vocabulary).Average() - expectedCorrupted) / (expectedClean - expectedCorrupted);
        var ownMetric = new PatchingMetric(unbalanced, vocabulary, expectedClean, expectedCorrupted); // Clean and Corrupted as computed here

        var measured = PatchingMetric.Measure(model, unbalanced, vocabulary);
        double mixedScore = ownMetric.Score(mixed.clone()).ToDouble();

        var float32 = Tolerance.For(ScalarType.Float32, Device.type);
        // The weighting hint only where the value is the mean of the two classes' means; any other value points at the
        // logit difference itself first.
        static double MeanOfClassMeans(double[] d) => (d[..3].Average() + d[3]) / 2; // 3 singular pairs, then 1 plural
        // Within 10 times the check's tolerance of the mean of means (its rounding differs from the test's), and that far from the plain mean.
        static bool Fits(double got, double plain, double meanOfMeans, double allowed) =>
            Math.Abs(got - meanOfMeans) <= 10 * allowed && Math.Abs(plain - meanOfMeans) > 20 * allowed;
        static string Why(bool meanOfMeans) => meanOfMeans
            ? "(the plain mean over the batch's pairs, as the doc says: yours is the mean of the singular pairs' mean and the plural pairs' mean, which weighs a lone plural pair three times)"
            : "(the plain mean over the batch's pairs of the last position's logit(\"s\") - logit(\" \"), signed toward the clean answer; if AgreementLogitDiff's own tests fail, fix that first)";
        double[] cleanDiffs = Pairs.SignedLogitDiffs(ownClean, unbalancedPairs, vocabulary), corruptedDiffs = Pairs.SignedLogitDiffs(ownCorrupted, unbalancedPairs, vocabulary);
        double mixedMeanOfMeans = (MeanOfClassMeans(Pairs.SignedLogitDiffs(mixed, unbalancedPairs, vocabulary)) - expectedCorrupted) / (expectedClean - expectedCorrupted);
        Assert.That(measured.Clean, Is.EqualTo(expectedClean).Within(float32.Allowed(expectedClean, 1)),
            $"Clean of Measure on 3 singular + 1 plural pairs: expected the mean signed logit difference of the 4 clean prompts {Why(Fits(measured.Clean, expectedClean, MeanOfClassMeans(cleanDiffs), float32.Allowed(expectedClean, 1)))}");
        Assert.That(measured.Corrupted, Is.EqualTo(expectedCorrupted).Within(float32.Allowed(expectedCorrupted, 1)),
            $"Corrupted of Measure on 3 singular + 1 plural pairs: expected the mean signed logit difference of the 4 corrupted prompts {Why(Fits(measured.Corrupted, expectedCorrupted, MeanOfClassMeans(corruptedDiffs), float32.Allowed(expectedCorrupted, 1)))}");
        Assert.That(mixedScore, Is.EqualTo(expectedMixed).Within(1e-5),
            $"Score on 3 singular + 1 plural pairs of the singular pairs' corrupted logits with the plural pair's clean ones: (mean over the 4 pairs - Corrupted) / (Clean - Corrupted) {Why(Fits(mixedScore, expectedMixed, mixedMeanOfMeans, 1e-5))}");
    }
}
