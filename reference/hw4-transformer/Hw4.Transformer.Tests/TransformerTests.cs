using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.Tests;

public sealed class TransformerTests : TorchTest
{
    static Config Config => new(d_model: 8, n_layers: 2, n_heads: 2, d_head: 3, d_mlp: 16, d_vocab: 7, n_ctx: 8);

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

        // Agreeing with each other counts together with the values: a copy loaded with the reference's weights gives its logits.
        if (Golden.RecordingRequested) return; // the golden is Forward_MatchesTheReference_WithTheSameWeights's, recorded there
        using var golden = Golden.Open("transformer_forward");
        var source = new Transformer(Config);
        golden.LoadParameters(source, seeded, scale: 0.3);
        var loaded = new Transformer(Config);
        loaded.to(Device);
        loaded.load_state_dict(source.state_dict());
        var goldenTokens = golden.Input("tokens", () => throw new InvalidOperationException("not recording"));
        TensorAssert.Close(loaded.call(goldenTokens), golden.Expected("logits"), name:
            "logits of a Transformer after load_state_dict(the state_dict of one holding the reference's weights) vs the reference's " +
            "logits for those weights (Forward_MatchesTheReference_WithTheSameWeights narrows down which part differs)");
    }

    [Test, Points(5)]
    public void Forward_MatchesTheReference_WithTheSameWeights()
    {
        using var seeded = new Seeded(601);
        using var golden = Golden.Open("transformer_forward");
        var model = new Transformer(Config);
        golden.LoadParameters(model, seeded, scale: 0.3);
        var tokens = golden.Input("tokens", () => randint(0, 7, [2, 8], ScalarType.Int64, CPU, generator: seeded.Generator));

        // Stage by stage, each on the stored output of the stage before it, so the message names the first part that
        // differs: the embeddings, each block's ln1, attention, ln2, MLP and output, ln_final, the unembedding, the logits.
        golden.AssertLayers(TransformerStages(golden, model, tokens));
    }

    /// <summary>
    /// The embeddings, each block's parts and output, the residual stream chained through the model's own blocks,
    /// ln_final, the unembedding, and last the logits of Transformer.call. Every stage but the chain runs on the stored
    /// output of the one before it, so a stage is judged on its own; the checks say what to look at knowing that
    /// every stage before matched. The chain and the logits run before any stage is fed a stored output (RunsFirst), so
    /// no module can hand back to them what it computed from one.
    /// </summary>
    static IEnumerable<GoldenLayer> TransformerStages(Golden golden, Transformer model, Tensor tokens)
    {
        yield return new("embedded", "the embeddings, embed(tokens) + pos_embed(tokens)", () => model.embed.call(tokens) + model.pos_embed.call(tokens),
            "Embed and PosEmbed: W_E[tokens] + W_pos[0..pos-1].");
        for (int i = 0; i < model.blocks.Count; i++)
        {
            var input = i == 0 ? "embedded" : $"blocks.{i - 1}.resid_post";
            foreach (var stage in BlockStages(golden, model.blocks[i], () => golden.Expected(input), $"blocks.{i}.", $"block {i}"))
                yield return stage;
        }
        yield return new("ln_final_input", "the residual stream after the last block, chained from your own embeddings through your own blocks", () =>
        {
            var residual = model.embed.call(tokens) + model.pos_embed.call(tokens); // [batch, pos, d_model]
            foreach (var block in model.blocks) residual = block.call(residual);
            return residual;
        }, "for state that carries over between calls: each block matches on the reference's input, but not chained. Does a module change its input in place or keep something from an earlier call?")
        { RunsFirst = true };
        yield return new("ln_final", "ln_final on the residual stream after the last block", () => model.ln_final.call(golden.Expected("ln_final_input")),
            "LayerNorm.forward: (x - mean) / sqrt(biased variance + eps) * w + b over the last dimension.");
        yield return new("unembed", "the unembedding of ln_final's output", () => model.unembed.call(golden.Expected("ln_final")),
            "Unembed.forward: x W_U + b_U.");
        yield return new("logits", "the logits of Transformer.call(tokens)", () => model.call(tokens),
            "Transformer.forward: the embeddings, every block, ln_final and the unembedding match on their own, so they are put together " +
            "differently. It should be residual = embed(tokens) + pos_embed(tokens), then each block in order on the running residual, " +
            "then unembed(ln_final(residual)): is ln_final applied, and does every block run once, in order?")
        { RunsFirst = true };
    }

    /// <summary>
    /// ln1, attention, ln2 and the MLP of one block, each on the stored output of the part before it, then the block's own
    /// forward, which runs before them (RunsFirst): its parts could otherwise hand it what they computed on stored outputs.
    /// </summary>
    static IEnumerable<GoldenLayer> BlockStages(Golden golden, TransformerBlock block, Func<Tensor> input, string prefix, string name)
    {
        yield return new(prefix + "ln1", $"{name}'s ln1 of its input", () => block.ln1.call(input()),
            "LayerNorm.forward: (x - mean) / sqrt(biased variance + eps) * w + b over the last dimension.");
        yield return new(prefix + "attn_out", $"{name}'s attention, attn(ln1(x))", () => block.attn.call(golden.Expected(prefix + "ln1")),
            "MultiHeadAttention.forward (its own tests narrow it down).");
        yield return new(prefix + "ln2", $"{name}'s ln2 of resid_mid = x + attn(ln1(x))", () => block.ln2.call(input() + golden.Expected(prefix + "attn_out")),
            "LayerNorm.forward: (x - mean) / sqrt(biased variance + eps) * w + b over the last dimension.");
        yield return new(prefix + "mlp_out", $"{name}'s MLP, mlp(ln2(resid_mid))", () => block.mlp.call(golden.Expected(prefix + "ln2")),
            "Mlp.forward: GELU(x W_in + b_in) W_out + b_out, with the exact GELU u * Phi(u) (nn.functional.gelu), not its tanh approximation.");
        yield return new(prefix + "resid_post", $"{name}'s output, TransformerBlock.call(x)", () => block.call(input()),
            "TransformerBlock.forward: ln1, attn, ln2 and mlp each match on their own, so they are wired differently. Pre-LN is " +
            "resid_mid = x + attn(ln1(x)), resid_post = resid_mid + mlp(ln2(resid_mid)): each LayerNorm reads its sub-block's input " +
            "(not the sum after it, as in post-LN), ln2 reads resid_mid (not x), and both residual additions are there.")
        { RunsFirst = true };
    }

}
