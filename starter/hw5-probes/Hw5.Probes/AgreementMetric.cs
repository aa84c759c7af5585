using Course.Lens;
using Course.Lens.Agreement;
using static TorchSharp.torch;

namespace Hw5.Probes;

/// <summary>
/// How much the model prefers the verb form that agrees with the subject, read where it decides: at the last character
/// of the verb's stem, <c>logit("s") - logit(" ")</c>. Positive means "singular" (<c>runs</c>), negative "plural" (<c>run</c>).
/// </summary>
public static class AgreementMetric
{
    /// <summary><c>logits [batch, pos, d_vocab] → [batch]</c>, in the logits' dtype: <c>logit("s") - logit(" ")</c> at each prompt's verb position.</summary>
    public static Tensor LogitDiff(Tensor logits, AgreementBatch batch, CharVocabulary vocabulary)
    {
        throw new NotImplementedException("AgreementMetric.LogitDiff: pick each prompt's row at batch.VerbPosition (gather or advanced indexing with arange over the batch), then subtract the \" \" column from the \"s\" column (vocabulary.Id)");
    }

    /// <summary>The fraction of prompts whose logit difference has the subject's sign: positive for a singular subject, negative for a plural one.</summary>
    public static double Accuracy(Tensor logitDiff, AgreementBatch batch)
    {
        throw new NotImplementedException("AgreementMetric.Accuracy: a prompt is right when (logitDiff > 0) differs from batch.PluralSubject; average over the batch");
    }
}
