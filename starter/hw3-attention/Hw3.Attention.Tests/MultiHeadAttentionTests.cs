using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw3.Attention.Tests;

public sealed class MultiHeadAttentionTests : TorchTest
{
    // d_head is deliberately not d_model / n_heads: the two are independent sizes.
    static AttentionConfig Config => new(d_model: 12, n_heads: 3, d_head: 5, n_ctx: 16);

    [Test, Points(2)]
    public void Forward_ReturnsBatchPosDModel_AndKeepsPatternBatchHeadQueryKey()
    {
        using var seeded = new Seeded(20);
        using var golden = Golden.Open("mha_shapes");
        var attention = new MultiHeadAttention(Config);
        golden.LoadParameters(attention, seeded, scale: 0.3);
        var x = golden.Input("x", () => seeded.RandnCpu([2, 7, 12]));
        var shorter = golden.Input("shorter", () => seeded.RandnCpu([1, 4, 12]));

        var output = attention.call(x);

        TensorAssert.Shape(output, [2, 7, 12], "MultiHeadAttention output [batch, pos, d_model]");
        TensorAssert.Shape(attention.Pattern, [2, 3, 7, 7], "MultiHeadAttention.Pattern [batch, n_heads, q_pos, k_pos]");
        // The shapes, of the right values: the reference's output and pattern on the same weights, biases and input.
        golden.AssertClose("out", output, name:
            "MultiHeadAttention output [2, 7, 12] vs the reference's on the same weights, biases and x: the shape is right, the values are not " +
            "(each head's softmax(mask(q k^T / sqrt(d_head))) v W_O, summed over heads, plus b_O)");
        golden.AssertClose("pattern", attention.Pattern!, name:
            "MultiHeadAttention.Pattern [2, 3, 7, 7] vs the reference's: the shape is right, the values are not (each head's softmax over the keys of its masked scores)");
        attention.call(shorter);
        TensorAssert.Shape(attention.Pattern, [1, 3, 4, 4], "MultiHeadAttention.Pattern after a second call on [1, 4, 12]: the pattern of the last forward pass, set on every call");
        golden.AssertClose("shorter_pattern", attention.Pattern!, name:
            "MultiHeadAttention.Pattern after a second call on [1, 4, 12] vs the reference's pattern of that input: set it from this call's scores");
    }

    [Test, Points(8)]
    public void Forward_MatchesTheReference_WithTheSameWeightsAndBiases()
    {
        using var seeded = new Seeded(21);
        using var golden = Golden.Open("mha_forward");
        var attention = new MultiHeadAttention(Config);
        golden.LoadParameters(attention, seeded, scale: 0.3);
        var x = golden.Input("x", () => seeded.RandnCpu([2, 6, 12]));

        golden.AssertClose("out", attention.call(x),
            "MultiHeadAttention.call(x) [2, 6, 12]: Σ over heads of softmax(mask(q k^T / √d_head)) v W_O, + b_O");
        golden.AssertClose("pattern", attention.Pattern!, "MultiHeadAttention.Pattern [2, 3, 6, 6], each head's softmax over the keys of its masked scores");
    }
}
