using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw3.Attention.Tests;

public sealed class AttentionOnlyTransformerTests : TorchTest
{
    static readonly AttentionConfig Config = new(d_model: 16, n_heads: 2, d_head: 8, n_ctx: 12, d_vocab: 10, n_layers: 2);

    [Test, Points(2)]
    public void Forward_ReturnsLogitsOfShapeBatchPosVocab()
    {
        using var seeded = new Seeded(40);
        var model = new AttentionOnlyTransformer(Config);
        model.to(Device);

        var logits = model.call(seeded.Randint(0, 10, [3, 7]));

        TensorAssert.Shape(logits, [3, 7, 10], "AttentionOnlyTransformer logits [batch, pos, d_vocab]");
    }

    [Test, Points(6)]
    public void Forward_MatchesTheReference_WithTheSameWeights()
    {
        using var seeded = new Seeded(41);
        using var golden = Golden.Open("transformer_forward");
        var model = new AttentionOnlyTransformer(Config);
        golden.LoadParameters(model, seeded, scale: 0.3);
        var tokens = golden.Input("tokens", () => randint(0, 10, [2, 9], ScalarType.Int64, CPU, generator: seeded.Generator));

        golden.AssertClose("logits", model.call(tokens));
    }
}
