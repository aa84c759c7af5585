using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.Tests;

public sealed class TransformerBlockTests : TorchTest
{
    [Test, Points(5)]
    public void Forward_MatchesTheReference_WithTheSameWeights()
    {
        // Pre-LayerNorm: resid_mid = x + attn(ln1(x)), out = resid_mid + mlp(ln2(resid_mid)). A post-LN block
        // (LayerNorm after the addition), a missing residual or ln2 applied to x instead of resid_mid all fail here.
        using var seeded = new Seeded(500);
        using var golden = Golden.Open("block_forward");
        var block = new TransformerBlock(new Config(d_model: 8, n_heads: 2, d_head: 3, d_mlp: 16, n_ctx: 16));
        golden.LoadParameters(block, seeded, scale: 0.3);
        var x = golden.Input("x", () => seeded.RandnCpu([2, 5, 8]));

        golden.AssertClose("out", block.call(x),
            "TransformerBlock.call(x) [2, 5, 8]: resid_mid = x + attn(ln1(x)), out = resid_mid + mlp(ln2(resid_mid))");
    }
}
