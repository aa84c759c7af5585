using Course.Lens;
using static TorchSharp.torch;

namespace Hw6.Patching;

/// <summary>
/// The agreement logit difference at the last position, <c>logit("s") - logit(" ")</c>, signed toward the clean
/// prompt's answer: multiplied by +1 when the clean subject is singular (the right form is "runs") and by -1 when it is
/// plural ("run"). The clean run scores high; its corrupted twin, whose answer is the other one, scores low.
/// </summary>
public static class AgreementLogitDiff
{
    /// <summary><c>logits [batch, pos, d_vocab] → [batch]</c> in the logits' dtype, for the clean or the corrupted prompts of <paramref name="batch"/>.</summary>
    public static Tensor Of(Tensor logits, PairBatch batch, CharVocabulary vocabulary)
    {
        // BEGIN SOLUTION: take logits[:, -1]; subtract the " " column from the "s" column (vocabulary.Id); multiply by +1 where batch.PluralClean is false and -1 where it is true
        var last = logits[.., -1]; // [batch, d_vocab]
        var diff = last[.., vocabulary.Id('s')] - last[.., vocabulary.Id(' ')]; // [batch]
        var sign = 1 - 2 * batch.PluralClean.to(diff.dtype).to(diff.device); // [batch]: +1 singular, -1 plural
        return diff * sign;
        // END SOLUTION
    }
}
