using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer;

/// <summary>
/// The autoregressive language-modelling loss: the mean cross-entropy of predicting each token from the ones before it,
/// in nats per token. The logits at position p predict the token at p + 1, so predictions and targets are shifted by one.
/// </summary>
public static class LmLoss
{
    /// <summary>
    /// <c>logits [batch, pos, d_vocab]</c> and <c>tokens [batch, pos]</c> → a scalar in the logits' dtype: the mean over the
    /// batch and positions 0..pos-2 of <c>-log softmax(logits[b, p])[tokens[b, p + 1]]</c>. The last position has no target
    /// and is not used.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor tokens)
    {
        throw new NotImplementedException("LmLoss.CrossEntropy: drop the last position of the logits and the first of the tokens, take log_softmax over the vocabulary, gather the target log-probabilities and average their negatives");
    }
}
