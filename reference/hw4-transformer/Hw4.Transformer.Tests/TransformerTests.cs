using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.Tests;

public sealed class TransformerTests : TorchTest
{
    static readonly Config Config = new(d_model: 8, n_layers: 2, n_heads: 2, d_head: 3, d_mlp: 16, d_vocab: 7, n_ctx: 8);

    [Test, Points(3)]
    public void Parameters_FollowTheTransformerLensNames_AndAStateDictLoadsIntoAnotherInstance()
    {
        // The documented names: the checkpoint program and any other implementation of this homework load by them.
        var expected = new List<string> { "embed.W_E [7, 8]", "pos_embed.W_pos [8, 8]" };
        for (int i = 0; i < 2; i++)
            expected.AddRange([
                $"blocks.{i}.ln1.w [8]", $"blocks.{i}.ln1.b [8]",
                $"blocks.{i}.attn.W_Q [2, 8, 3]", $"blocks.{i}.attn.W_K [2, 8, 3]", $"blocks.{i}.attn.W_V [2, 8, 3]", $"blocks.{i}.attn.W_O [2, 3, 8]",
                $"blocks.{i}.attn.b_Q [2, 3]", $"blocks.{i}.attn.b_K [2, 3]", $"blocks.{i}.attn.b_V [2, 3]", $"blocks.{i}.attn.b_O [8]",
                $"blocks.{i}.ln2.w [8]", $"blocks.{i}.ln2.b [8]",
                $"blocks.{i}.mlp.W_in [8, 16]", $"blocks.{i}.mlp.b_in [16]", $"blocks.{i}.mlp.W_out [16, 8]", $"blocks.{i}.mlp.b_out [8]",
            ]);
        expected.AddRange(["ln_final.w [8]", "ln_final.b [8]", "unembed.W_U [8, 7]", "unembed.b_U [7]"]);
        var model = new Transformer(Config);

        var actual = model.named_parameters().Select(p => $"{p.name} [{string.Join(", ", p.parameter.shape)}]");

        Assert.That(actual.Order(StringComparer.Ordinal), Is.EqualTo(expected.Order(StringComparer.Ordinal)),
            "sorted names and shapes of Transformer.named_parameters() for a 2-layer model: keep the field names " +
            "(embed, pos_embed, blocks, ln_final, unembed; ln1, attn, ln2, mlp) and the parameters' shapes you were given, " +
            "and do not add parameters of your own");

        using var seeded = new Seeded(600);
        model.to(Device);
        var other = new Transformer(Config);
        other.to(Device);
        other.load_state_dict(model.state_dict());
        var tokens = seeded.Randint(0, 7, [2, 6]);
        TensorAssert.Close(other.call(tokens), model.call(tokens), name:
            "logits of a second Transformer after load_state_dict(first.state_dict()) against the first one's: " +
            "every weight the forward pass uses must be a registered parameter");
    }

    [Test, Points(5)]
    public void Forward_MatchesTheReference_WithTheSameWeights()
    {
        using var seeded = new Seeded(601);
        using var golden = Golden.Open("transformer_forward");
        var model = new Transformer(Config);
        golden.LoadParameters(model, seeded, scale: 0.3);
        var tokens = golden.Input("tokens", () => randint(0, 7, [2, 8], ScalarType.Int64, CPU, generator: seeded.Generator));

        golden.AssertClose("logits", model.call(tokens));
    }
}
