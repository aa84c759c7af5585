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
        var device = logits.device;
        long singular = vocabulary.Id('s'), plural = vocabulary.Id(' ');
        var ending = (batch.PluralClean.to(ScalarType.Int64) * (plural - singular) + singular).unsqueeze(1); // [batch, 1]
        var targets = cat([batch.Clean[.., 1..], ending], 1).to(device); // [batch, pos]
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), targets.reshape(-1));
    }
}
