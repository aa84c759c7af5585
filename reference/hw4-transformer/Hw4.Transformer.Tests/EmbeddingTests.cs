using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.Tests;

public sealed class EmbeddingTests : TorchTest
{
    static Config Config => new(d_model: 6, d_vocab: 11, n_ctx: 9, init_range: 0.5);

    [Test, Points(2)]
    public void Embed_ReturnsTheRowOfW_E_OfEachToken()
    {
        using var seeded = new Seeded(200);
        var embed = new Embed(Config);
        // W_E drawn by the test: rows the constructor made (all zeros, say) would be matched by an output that reads none of them.
        // The test computes from its draw, never from a second read of the field (a property can give other values each read).
        var table = seeded.RandnCpu([11, 6]) * 0.5;
        TestWeights.Write("Embed.W_E", embed.W_E, table);
        embed.to(Device);
        var tokens = seeded.Randint(0, 11, [3, 5]);

        var ids = tokens.cpu().data<long>().ToArray();

        var output = embed.call(tokens);

        var expected = stack(ids.Select(id => table[id]).ToArray()).reshape(3, 5, 6);
        // Within float32's tolerance, not bit for bit: a one-hot product with W_E is that row too, in any order; a wrong row is off by ~0.3.
        TensorAssert.Close(output, expected.to(Device), Tolerance.For(ScalarType.Float32, Device.type),
            "Embed(tokens [3, 5]) [batch, pos, d_model]: position (b, p) must hold row tokens[b, p] of W_E [d_vocab, d_model]");
    }

    [Test, Points(2)]
    public void PosEmbed_ReturnsRowPOfW_pos_AtPositionP_ForEveryBatchRow()
    {
        using var seeded = new Seeded(201);
        var posEmbed = new PosEmbed(Config);
        // W_pos drawn by the test: rows the constructor made (all zeros, say) would be matched by an output that reads none of them.
        // The test computes from its draw, never from a second read of the field (a property can give other values each read).
        var table = seeded.RandnCpu([9, 6]) * 0.5;
        TestWeights.Write("PosEmbed.W_pos", posEmbed.W_pos, table);
        posEmbed.to(Device);
        var tokens = seeded.Randint(0, 11, [3, 5]);

        var output = posEmbed.call(tokens);

        TensorAssert.Shape(output, [3, 5, 6], "PosEmbed(tokens [3, 5]) [batch, pos, d_model]");
        for (long b = 0; b < 3; b++)
            TensorAssert.Close(output[b], table[..5].to(Device), Tolerance.For(ScalarType.Float32, Device.type),
                $"PosEmbed(tokens [3, 5])[{b}]: rows 0..4 of W_pos [n_ctx, d_model], the same for every batch row " +
                "(only the shape of the tokens matters, not their values)");
    }

    [Test, Points(2)]
    public void Unembed_MatchesTheReference_WithTheSameWeightsAndBias()
    {
        using var seeded = new Seeded(202);
        using var golden = Golden.Open("unembed_forward");
        var unembed = new Unembed(Config);
        golden.LoadParameters(unembed, seeded, scale: 0.3);
        var x = golden.Input("x", () => seeded.RandnCpu([2, 4, 6]));

        golden.AssertClose("logits", unembed.call(x), "Unembed.call(x), logits [2, 4, 11]: x W_U + b_U");
    }
}
