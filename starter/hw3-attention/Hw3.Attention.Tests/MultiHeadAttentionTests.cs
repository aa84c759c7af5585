using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw3.Attention.Tests;

public sealed class MultiHeadAttentionTests : TorchTest
{
    // d_head is deliberately not d_model / n_heads: the two are independent sizes.
    static readonly AttentionConfig Config = new(d_model: 12, n_heads: 3, d_head: 5, n_ctx: 16);

    [Test, Points(2)]
    public void Forward_ReturnsBatchPosDModel_AndKeepsPatternBatchHeadQueryKey()
    {
        using var seeded = new Seeded(20);
        var attention = new MultiHeadAttention(Config);
        attention.to(Device);

        var output = attention.call(seeded.Randn([2, 7, 12]));

        TensorAssert.Shape(output, [2, 7, 12], "MultiHeadAttention output [batch, pos, d_model]");
        TensorAssert.Shape(attention.Pattern, [2, 3, 7, 7], "MultiHeadAttention.Pattern [batch, n_heads, q_pos, k_pos]");
        attention.call(seeded.Randn([1, 4, 12]));
        TensorAssert.Shape(attention.Pattern, [1, 3, 4, 4], "MultiHeadAttention.Pattern after a second call on [1, 4, 12]: the pattern of the last forward pass, set on every call");
    }

    [Test, Points(8)]
    public void Forward_MatchesTheReference_WithTheSameWeightsAndBiases()
    {
        using var seeded = new Seeded(21);
        using var golden = Golden.Open("mha_forward");
        var attention = new MultiHeadAttention(Config);
        golden.LoadParameters(attention, seeded, scale: 0.3);
        var x = golden.Input("x", () => seeded.RandnCpu([2, 6, 12]));

        golden.AssertClose("out", attention.call(x));
        golden.AssertClose("pattern", attention.Pattern!);
    }
}
