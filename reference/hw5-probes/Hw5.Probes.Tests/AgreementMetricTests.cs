using Course.Lens;
using Course.Lens.Agreement;
using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw5.Probes.Tests;

public sealed class AgreementMetricTests : TorchTest
{
    /// <summary>Made once: loading the model for each use would cost more than the tests.</summary>
    [SharedAcrossTests("a given library's vocabulary, which offers no way to change it (its symbols and ids are private and readonly)")]
    static readonly CharVocabulary Vocabulary = TinyGpt.Load().Vocabulary;

    /// <summary>Two prompts of different lengths: "a dog run" (singular, ends at 8) and "the dogs run" (plural, ends at 11).</summary>
    static AgreementBatch Batch() => AgreementBatch.Of([
        new AgreementPrompt("a dog run", "dog", false, Clause.None, null, null),
        new AgreementPrompt("the dogs run", "dogs", true, Clause.None, null, null),
    ], Vocabulary);

    [Test, Points(3)]
    public void LogitDiff_ReadsLogitSMinusLogitSpace_AtEachPromptsOwnVerbPosition()
    {
        var batch = Batch();
        var logits = zeros(2, 12, Vocabulary.Size); // [batch, pos, d_vocab]
        logits[0, 8, Vocabulary.Id('s')] = tensor(2.5f);
        logits[0, 8, Vocabulary.Id(' ')] = tensor(0.5f);
        logits[0, 11, Vocabulary.Id('s')] = tensor(100f); // the padding after prompt 0: not its verb position
        logits[1, 11, Vocabulary.Id(' ')] = tensor(4f);
        logits[1, 8, Vocabulary.Id('s')] = tensor(100f); // not prompt 1's verb position

        var diff = AgreementMetric.LogitDiff(logits.to(Device), batch, Vocabulary);

        TensorAssert.Close(diff, tensor(new[] { 2f, -4f }).to(Device), name: "logit(\"s\") - logit(\" \") at positions 8 and 11");
    }

    [Test, Points(2)]
    public void Accuracy_CountsAPositiveDifferenceAsSingular_AndANegativeOneAsPlural()
    {
        var batch = Batch(); // singular, plural

        // A mean of zeros and ones, so only its last bits may differ between correct ways of taking it.
        Assert.That(AgreementMetric.Accuracy(tensor(new[] { 1f, -1f }).to(Device), batch), Is.EqualTo(1.0).Within(1e-9), "both right");
        var logitDiff = tensor(new[] { 1f, 3f }).to(Device);
        var logitDiffBefore = logitDiff.clone();
        Assert.That(AgreementMetric.Accuracy(logitDiff, batch), Is.EqualTo(0.5).Within(1e-9), "the plural one wrong");
        TensorAssert.Close(logitDiff, logitDiffBefore, Tolerance.Exact,
            "the logit differences after AgreementMetric.Accuracy(logitDiff, batch): compare on a new tensor (logitDiff > 0), never threshold the caller's tensor in place (gt_)");
        Assert.That(AgreementMetric.Accuracy(tensor(new[] { -1f, 1f }).to(Device), batch), Is.EqualTo(0.0).Within(1e-9), "both wrong");
    }
}
