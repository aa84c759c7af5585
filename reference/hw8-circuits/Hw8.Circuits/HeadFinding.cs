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
        // BEGIN SOLUTION: the dense PositionalQK(...).AB / sqrt(d_head), the future (k > q) masked to -inf, softmax over keys, then the mean of pattern[q, q - 1]; a float32 tensor
        var scores = new float[cfg.n_heads];
        using var future = ones(cfg.n_ctx, cfg.n_ctx, ScalarType.Bool).triu(1); // [query_pos, key_pos]
        for (int head = 0; head < cfg.n_heads; head++)
        {
            var qk = Circuits.PositionalQK(model, 0, head).AB.cpu() / Math.Sqrt(cfg.d_head); // [n_ctx, n_ctx]
            var pattern = qk.masked_fill(future, double.NegativeInfinity).softmax(-1); // [query_pos, key_pos]
            scores[head] = pattern.diagonal(-1).mean().ToSingle();
        }
        return tensor(scores);
        // END SOLUTION
    }

    /// <summary>The layer-0 head with the highest <see cref="PreviousTokenScores"/>.</summary>
    public static int PreviousTokenHead(HookedAttnOnlyTransformer model)
    {
        // BEGIN SOLUTION: argmax of PreviousTokenScores
        return (int)PreviousTokenScores(model).argmax().ToInt64();
        // END SOLUTION
    }

    /// <summary>
    /// The layer-1 head that K-composes most with <paramref name="previousTokenHead"/> among those whose full OV circuit
    /// copies (a positive <see cref="CopyingScore"/>): its keys read "which token came before", and it copies what it
    /// attends to.
    /// </summary>
    /// <exception cref="InvalidOperationException">No layer-1 head has a positive copying score.</exception>
    public static int InductionHead(HookedAttnOnlyTransformer model, int previousTokenHead)
    {
        // BEGIN SOLUTION: the layer-1 heads with CopyingScore.Of(Circuits.FullOV(model, 1, h)) > 0, the one with the largest Composition.Scores(model, K)[previousTokenHead, h]
        var kComposition = Composition.Scores(model, CompositionKind.K)[previousTokenHead]; // [n_heads]
        var copying = Enumerable.Range(0, (int)model.Config.n_heads).Where(h => CopyingScore.Of(Circuits.FullOV(model, 1, h)) > 0).ToList();
        if (copying.Count == 0) throw new InvalidOperationException("no layer-1 head copies: no full OV circuit has a positive copying score");
        return copying.MaxBy(h => kComposition[h].ToDouble());
        // END SOLUTION
    }
}
