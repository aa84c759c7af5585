using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenTransformerTests : TorchTest
{
    // d_head = 5 is not d_model / n_heads = 4, d_mlp = 20 is not 4 d_model, and there are three layers.
    static readonly Config Odd = new(d_model: 12, n_layers: 3, n_heads: 3, d_head: 5, d_mlp: 20, d_vocab: 11, n_ctx: 10, init_range: 0.3);

    [Test, Points(2)]
    public void Block_MatchesTheReference_WithHeadsNarrowerThanD_modelOverN_heads()
    {
        using var seeded = new Seeded(401);
        using var golden = Golden.Open("block_odd_sizes");
        var block = new TransformerBlock(Odd);
        golden.LoadParameters(block, seeded, scale: 0.5);
        var x = golden.Input("x", () => seeded.RandnCpu([2, 9, 12]));

        golden.AssertClose("resid_post", block.call(x));
    }

    [Test, Points(2)]
    public void Forward_MatchesTheReference_WithThreeLayers_AlsoBeforeLn_final()
    {
        using var seeded = new Seeded(402);
        using var golden = Golden.Open("transformer_three_layers");
        var model = new Transformer(Odd);
        golden.LoadParameters(model, seeded, scale: 0.5);
        var tokens = golden.Input("tokens", () => randint(0, 11, [3, 10], ScalarType.Int64, CPU, generator: seeded.Generator));

        // The residual stream that reaches ln_final, rebuilt from the model's own parts: if this matches and the logits
        // do not, look at ln_final and the unembedding.
        var residual = model.embed.call(tokens) + model.pos_embed.call(tokens); // [batch, pos, d_model]
        foreach (var block in model.blocks) residual = block.call(residual);
        golden.AssertClose("ln_final_input", residual);
        golden.AssertClose("logits", model.call(tokens));
    }

    [Test, Points(2)]
    public void Backward_ReachesEveryParameterOfTheModel()
    {
        using var seeded = new Seeded(403);
        var model = new Transformer(Odd);
        model.to(Device);
        var tokens = seeded.Randint(0, 11, [2, 10]);
        var targets = seeded.Randint(0, 11, [2 * 10]);

        var logits = model.call(tokens);
        nn.functional.cross_entropy(logits.reshape(-1, 11), targets).backward();

        foreach (var (name, parameter) in model.named_parameters())
        {
            Assert.That(parameter.grad, Is.Not.Null, $"{name} got no gradient: is it used in forward, without detach() or a copy of its data?");
            Assert.That(parameter.grad!.isfinite().all().item<bool>(), Is.True,
                $"the gradient of {name} has {parameter.grad!.isnan().sum().item<long>()} NaN and {parameter.grad!.isinf().sum().item<long>()} Inf values " +
                $"out of {parameter.grad!.numel()}: look for a -inf mask on a whole row (masking j >= i), a division by zero or an overflow in forward");
            // b_K's gradient is zero in exact arithmetic: it adds q . b_K to every score of a query, and softmax ignores
            // a constant shift. So it only has to be in the graph.
            if (name.EndsWith(".b_K", StringComparison.Ordinal)) continue;
            Assert.That(parameter.grad!.abs().sum().item<float>(), Is.GreaterThan(0f), $"the gradient of {name} is all zeros: is it used in forward?");
        }
    }

    [Test, Points(2)]
    public void Forward_IsCausal_ChangingLaterTokensLeavesEarlierLogitsUnchanged()
    {
        using var seeded = new Seeded(404);
        var model = new Transformer(Odd);
        model.to(Device);
        var tokens = seeded.Randint(0, 11, [3, 10]);
        var changed = tokens.clone();
        changed[.., 5..] = (tokens[.., 5..] + 1 + seeded.Randint(0, 10, [3, 5])) % 11;

        var logits = model.call(tokens);
        var changedLogits = model.call(changed);

        TensorAssert.Close(changedLogits[.., ..5], logits[.., ..5], name:
            "logits at positions 0..4 after changing the tokens at positions 5..9 (no attention layer may look ahead, and " +
            "LayerNorm and the MLP must work on each position alone)");
        Assert.That(changedLogits[.., 5..].allclose(logits[.., 5..]), Is.False, "logits at positions 5..9 did not change when their tokens did");
    }
}
