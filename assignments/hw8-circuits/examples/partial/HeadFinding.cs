using Course.Lens;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw8.Circuits;

/// <summary>
/// The two heads of an induction circuit, found from the weights alone, without running the model: the previous-token
/// head in layer 0 from its positional QK circuit, and the induction head in layer 1 from its K-composition with that head
/// and its copying score.
/// </summary>
public static class HeadFinding
{
    /// <summary>
    /// <c>[n_heads]</c> float32: for each layer-0 head, the attention its positional QK circuit alone gives the previous
    /// position: softmax over the key positions k ≤ q of W_pos W_Q W_Kᵀ W_posᵀ[q, k] / √d_head, at k = q − 1, averaged over
    /// the query positions q = 1..n_ctx − 1.
    /// </summary>
    public static Tensor PreviousTokenScores(HookedAttnOnlyTransformer model)
    {
        var cfg = model.Config;
        throw new NotImplementedException("HeadFinding.PreviousTokenScores: the dense PositionalQK(...).AB / sqrt(d_head), the future (k > q) masked to -inf, softmax over keys, then the mean of pattern[q, q - 1]; a float32 tensor");
    }

    /// <summary>The layer-0 head with the highest <see cref="PreviousTokenScores"/>.</summary>
    public static int PreviousTokenHead(HookedAttnOnlyTransformer model)
    {
        throw new NotImplementedException("HeadFinding.PreviousTokenHead: argmax of PreviousTokenScores");
    }

    /// <summary>
    /// The layer-1 head that K-composes most with <paramref name="previousTokenHead"/> among those whose full OV circuit
    /// copies (a positive <see cref="CopyingScore"/>): its keys read "which token came before", and it copies what it
    /// attends to.
    /// </summary>
    /// <exception cref="InvalidOperationException">No layer-1 head has a positive copying score.</exception>
    public static int InductionHead(HookedAttnOnlyTransformer model, int previousTokenHead)
    {
        throw new NotImplementedException("HeadFinding.InductionHead: the layer-1 heads with CopyingScore.Of(Circuits.FullOV(model, 1, h)) > 0, the one with the largest Composition.Scores(model, K)[previousTokenHead, h]");
    }
}
