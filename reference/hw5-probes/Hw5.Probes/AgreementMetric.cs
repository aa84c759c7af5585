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
        // BEGIN SOLUTION: pick each prompt's row at batch.VerbPosition (gather or advanced indexing with arange over the batch), then subtract the " " column from the "s" column (vocabulary.Id)
        var rows = arange(logits.shape[0], device: logits.device);
        var atVerb = logits[rows, batch.VerbPosition.to(logits.device)]; // [batch, d_vocab]
        return atVerb[.., vocabulary.Id('s')] - atVerb[.., vocabulary.Id(' ')]; // [batch]
        // END SOLUTION
    }

    /// <summary>The fraction of prompts whose logit difference has the subject's sign: positive for a singular subject, negative for a plural one.</summary>
    public static double Accuracy(Tensor logitDiff, AgreementBatch batch)
    {
        // BEGIN SOLUTION: a prompt is right when (logitDiff > 0) differs from batch.PluralSubject; average over the batch
        var singular = logitDiff > 0; // [batch]
        return (singular != batch.PluralSubject.to(logitDiff.device)).to(ScalarType.Float64).mean().item<double>();
        // END SOLUTION
    }
}
