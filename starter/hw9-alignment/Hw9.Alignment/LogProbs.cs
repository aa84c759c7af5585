using Course.Lens;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment;

/// <summary>
/// The log-probability a model gives a completion, <c>log π(y | x) = Σ_t log π(y_t | x, y_&lt;t)</c>, summed over the
/// completion's tokens only: the prompt is given, not generated, and padding is not text. Both DPO and the reward
/// model's data rest on it (Rafailov et al. 2023, section 4).
/// </summary>
public static class LogProbs
{
    /// <summary>
    /// <c>logits [batch, pos, d_vocab]</c> (logits[b, t] predict token t + 1), <c>tokens [batch, pos]</c> and
    /// <c>completionMask [batch, pos]</c> (true at the completion's tokens) → <c>[batch]</c> in the logits' dtype (float32):
    /// for each row, the sum over the positions t where the mask is true of
    /// <c>log softmax(logits[b, t - 1])[tokens[b, t]]</c>.
    /// </summary>
    public static Tensor OfCompletion(Tensor logits, Tensor tokens, Tensor completionMask)
    {
        throw new NotImplementedException("LogProbs.OfCompletion: log_softmax of the logits at positions 0..pos-2, gather the log-probability of the token that follows (tokens[:, 1:]), keep the masked ones (completionMask[:, 1:]) and sum over positions");
    }

    /// <summary>The log-probability <paramref name="model"/> gives each completion of <paramref name="batch"/>: <c>[batch]</c>.</summary>
    public static Tensor OfCompletion(HookedTransformer model, SequenceBatch batch) =>
        OfCompletion(model.call(batch.Tokens), batch.Tokens, batch.CompletionMask);
}
