using static TorchSharp.torch;

namespace Hw3.Attention;

/// <summary>
/// The causal (autoregressive) mask of a decoder: query position i may attend to key positions 0..i only,
/// so a prediction at position i never sees the tokens after it.
/// </summary>
public static class CausalMask
{
    /// <summary>
    /// Returns a copy of <paramref name="scores"/> <c>[..., query_pos, key_pos]</c> in which every entry with
    /// key_pos &gt; query_pos is -inf (so that softmax gives it weight 0). The other entries are unchanged,
    /// and so is <paramref name="scores"/> itself. The rule is by index also for q queries and k keys with q != k:
    /// query i keeps keys 0..i (the upper-left alignment of PyTorch's <c>is_causal</c>), not keys up to i + k - q.
    /// Make the mask on <c>scores.device</c>: on a GPU, a mask left on the CPU
    /// (the default device) makes masked_fill throw.
    /// </summary>
    public static Tensor Apply(Tensor scores)
    {
        // BEGIN SOLUTION: make a bool [query_pos, key_pos] mask that is true above the diagonal (triu with diagonal 1), then masked_fill it with double.NegativeInfinity
        long queries = scores.shape[^2], keys = scores.shape[^1];
        using var future = ones(queries, keys, ScalarType.Bool, scores.device).triu(1); // [query_pos, key_pos]
        return scores.masked_fill(future, double.NegativeInfinity);
        // END SOLUTION
    }
}
