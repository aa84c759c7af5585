using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.Tests;

// CausalMask, Attention and MultiHeadAttention are your hw3 code, pasted in: these tests only check that it still works here.
public sealed class AttentionTests : TorchTest
{
    [Test, Points(2)]
    public void Scores_KeepAnyLeadingDimensions_AndPattern_IsExactlyZeroAboveTheDiagonal_AndEachRowSumsToOne()
    {
        using var seeded = new Seeded(400);
        // Scores keeps whatever leading dimensions it is given, as its doc says: hw3 calls it on [q_pos, d_head] and
        // [batch, pos, d_head], MultiHeadAttention on [batch, head, pos, d_head].
        foreach (long[] leading in new[] { Array.Empty<long>(), [2] })
        {
            var (q, k) = (seeded.Randn([.. leading, 5, 4]), seeded.Randn([.. leading, 6, 4])); // [..., q_pos, d_head], [..., k_pos, d_head]
            var expected = q.matmul(k.transpose(-2, -1)) / 2.0; // [..., q_pos, k_pos], divided by sqrt(d_head = 4)
            var call = $"Attention.Scores(q [{string.Join(", ", q.shape)}], k [{string.Join(", ", k.shape)}])";
            TensorAssert.Close(Attention.Scores(q, k), expected, name: $"{call}: transpose k's last two dimensions, whatever comes before them");
        }
        var scores = seeded.Randn([2, 3, 5, 5]) * 3; // [batch, head, q_pos, k_pos]
        var future = ones(5, 5, ScalarType.Bool, Device).triu(1).expand(2, 3, -1, -1);
        var expectedMasked = scores.masked_fill(future, double.NegativeInfinity);

        var masked = CausalMask.Apply(scores.clone());
        var pattern = Attention.Pattern(scores);

        TensorAssert.Shape(masked, [2, 3, 5, 5], "CausalMask.Apply(scores [batch, head, q_pos, k_pos])");
        Assert.That(masked.masked_select(future).isneginf().logical_not().sum().item<long>(), Is.Zero,
            $"entries of CausalMask.Apply(scores [2, 3, 5, 5]) above the diagonal that are not -inf, of {future.sum().item<long>()}: expected -inf (double.NegativeInfinity), as its doc says, not a large " +
            $"finite number such as -1e9 (got values from {masked.masked_select(future).min().ToDouble():G4} to {masked.masked_select(future).max().ToDouble():G4})");
        TensorAssert.Close(masked, expectedMasked, Tolerance.Exact,
            "CausalMask.Apply(scores [2, 3, 5, 5]): -inf where key_pos > query_pos, the scores unchanged elsewhere");
        TensorAssert.Shape(pattern, [2, 3, 5, 5], "Attention.Pattern(scores [batch, head, q_pos, k_pos])");
        TensorAssert.Close(pattern.masked_select(future), zeros(2 * 3 * 10, device: Device), Tolerance.Exact,
            "pattern entries with key_pos > query_pos (they must be exactly 0: CausalMask.Apply sets them to -inf before the softmax)");
        TensorAssert.Close(pattern.sum(-1), ones(2, 3, 5, device: Device), name:
            "pattern.sum(-1): every query's weights over the keys must sum to 1 (softmax over the last dimension)");
    }

    [Test, Points(4)]
    public void MultiHeadAttention_MatchesTheReference_WithTheSameWeightsAndBiases_AndKeepsItsPatternDetached()
    {
        // d_head is deliberately not d_model / n_heads: the two are independent sizes.
        using var seeded = new Seeded(401);
        using var golden = Golden.Open("mha_forward");
        var attention = new MultiHeadAttention(new Config(d_model: 12, n_heads: 3, d_head: 5, n_ctx: 16));
        golden.LoadParameters(attention, seeded, scale: 0.3);
        var x = golden.Input("x", () => seeded.RandnCpu([2, 6, 12]));
        // A second, shorter input, and the pattern it must leave, by hand in float64 from the weights before any call.
        var shorter = seeded.Randn([3, 4, 12]);
        var expectedPattern = PatternFromTheWeights(attention, shorter);

        golden.AssertClose("out", attention.call(x),
            "MultiHeadAttention.call(x) [2, 6, 12]: Σ over heads of softmax(mask(q k^T / √d_head)) v W_O, + b_O");
        golden.AssertClose("pattern", attention.Pattern!, "MultiHeadAttention.Pattern [2, 3, 6, 6], each head's softmax over the keys of its masked scores");
        Assert.That(attention.Pattern!.requires_grad, Is.False, "requires_grad of MultiHeadAttention.Pattern after a forward with trainable weights: keep pattern.detach(), as its doc says");

        attention.call(shorter);
        TensorAssert.Shape(attention.Pattern, [3, 3, 4, 4], "MultiHeadAttention.Pattern after a second call on [3, 4, 12]: the pattern of the last forward pass, set on every call");
        TensorAssert.Close(attention.Pattern!, expectedPattern, name:
            "MultiHeadAttention.Pattern after a second call on [3, 4, 12] vs softmax over the keys of the masked (x W_Q + b_Q)(x W_K + b_K)^T / sqrt(d_head) of that input");
    }

    /// <summary>The attention pattern <c>[batch, head, q_pos, k_pos]</c> of <paramref name="attention"/>'s weights on <paramref name="x"/>, in float64, as float32.</summary>
    static Tensor PatternFromTheWeights(MultiHeadAttention attention, Tensor x)
    {
        using var noGrad = no_grad();
        var x64 = x.to(ScalarType.Float64);
        var q = einsum("bpm,hmd->bhpd", x64, attention.W_Q.to(ScalarType.Float64)) + attention.b_Q.to(ScalarType.Float64).unsqueeze(1); // [batch, head, pos, d_head]
        var k = einsum("bpm,hmd->bhpd", x64, attention.W_K.to(ScalarType.Float64)) + attention.b_K.to(ScalarType.Float64).unsqueeze(1); // [batch, head, pos, d_head]
        var scores = q.matmul(k.transpose(-2, -1)) / Math.Sqrt(q.shape[^1]); // [batch, head, q_pos, k_pos]
        var future = ones(x.shape[1], x.shape[1], ScalarType.Bool, x.device).triu(1);
        return scores.masked_fill(future, double.NegativeInfinity).softmax(-1).to(ScalarType.Float32);
    }
}
