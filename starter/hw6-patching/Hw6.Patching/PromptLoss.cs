using Course.Lens;
using static TorchSharp.torch;

namespace Hw6.Patching;

/// <summary>
/// The language-modelling loss on the clean prompts: the mean cross-entropy of every next character, where the prompt's
/// own next character is the target at positions <c>0 .. pos - 2</c> and the verb ending that agrees with the clean
/// subject (<c>"s"</c> singular, <c>" "</c> plural) is the target at the last position.
/// </summary>
public static class PromptLoss
{
    /// <summary><c>logits [batch, pos, d_vocab]</c> of <paramref name="batch"/>'s clean prompts → a scalar.</summary>
    public static Tensor Of(Tensor logits, PairBatch batch, CharVocabulary vocabulary)
    {
        throw new NotImplementedException("PromptLoss.Of: targets = the clean tokens shifted left by one, then the agreeing ending's id (vocabulary.Id of 's' or ' ' by batch.PluralClean) appended as the last column; cross_entropy over all [batch * pos] positions");
    }
}
