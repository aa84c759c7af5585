using static TorchSharp.torch;

namespace Hw3.Attention;

/// <summary>
/// Scaled dot-product attention, "Attention Is All You Need" (Vaswani et al. 2017), eq. 1:
/// Attention(Q, K, V) = softmax(Q K^T / sqrt(d_head)) V, with a causal mask before the softmax.
/// </summary>
public static class Attention
{
    /// <summary>
    /// Attention scores Q K^T / sqrt(d_head): <c>[..., q_pos, d_head] x [..., k_pos, d_head] → [..., q_pos, k_pos]</c>.
    /// Any leading dimensions (batch, head) are kept. d_head is the last dimension of <paramref name="q"/>.
    /// </summary>
    public static Tensor Scores(Tensor q, Tensor k)
    {
        throw new NotImplementedException("Attention.Scores: matmul q with k transposed on its last two dimensions, then divide by Math.Sqrt(d_head)");
    }

    /// <summary>
    /// The attention pattern: the causally masked <paramref name="scores"/> <c>[..., q_pos, k_pos]</c>, softmaxed over
    /// the keys. Each row sums to 1 and its entries above the diagonal are 0, for scores of any size: also when a masked
    /// (future) score is far above the visible ones, which are all a row's softmax may be shifted by.
    /// </summary>
    public static Tensor Pattern(Tensor scores)
    {
        throw new NotImplementedException("Attention.Pattern: apply CausalMask.Apply, then softmax over the last dimension (the keys)");
    }
}
