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

        // Each part on the stored output of the part before it, then the whole block: the first that differs is named.
        golden.AssertLayers(BlockStages(golden, block, () => x, prefix: "", name: "the block"));
    }

    [Test, Points(2)]
    public void Forward_MatchesTheReference_WithThreeLayers_AlsoBeforeLn_final()
    {
        using var seeded = new Seeded(402);
        using var golden = Golden.Open("transformer_three_layers");
        var model = new Transformer(Odd);
        golden.LoadParameters(model, seeded, scale: 0.5);
        var tokens = golden.Input("tokens", () => randint(0, 11, [3, 10], ScalarType.Int64, CPU, generator: seeded.Generator));

        // Stage by stage, each on the stored output of the stage before it, so the message names the first part that differs.
        golden.AssertLayers(TransformerStages(golden, model, tokens));
    }

    /// <summary>
    /// The embeddings, each block's parts and output, the residual stream chained through the model's own blocks,
    /// ln_final, the unembedding, and last the logits of Transformer.call. Every stage but the chain runs on the stored
    /// output of the one before it, so a stage is judged on its own; the checks say what to look at knowing that
    /// every stage before matched.
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
        }, "for state that carries over between calls: each block matches on the reference's input, but not chained. Does a module change its input in place or keep something from an earlier call?");
        yield return new("ln_final", "ln_final on the residual stream after the last block", () => model.ln_final.call(golden.Expected("ln_final_input")),
            "LayerNorm.forward: (x - mean) / sqrt(biased variance + eps) * w + b over the last dimension.");
        yield return new("unembed", "the unembedding of ln_final's output", () => model.unembed.call(golden.Expected("ln_final")),
            "Unembed.forward: x W_U + b_U.");
        yield return new("logits", "the logits of Transformer.call(tokens)", () => model.call(tokens),
            "Transformer.forward: the embeddings, every block, ln_final and the unembedding match on their own, so they are put together " +
            "differently. It should be residual = embed(tokens) + pos_embed(tokens), then each block in order on the running residual, " +
            "then unembed(ln_final(residual)): is ln_final applied, and does every block run once, in order?");
    }

    /// <summary>ln1, attention, ln2 and the MLP of one block, each on the stored output of the part before it, then the block's own forward.</summary>
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
            "(not the sum after it, as in post-LN), ln2 reads resid_mid (not x), and both residual additions are there.");
    }

    [Test, Points(2)]
    public void Backward_ReachesEveryParameterOfTheModel()
    {
        using var seeded = new Seeded(403);
        var model = new Transformer(Odd);
        model.to(Device);
        var tokens = seeded.Randint(0, 11, [2, 10]);
        var targets = seeded.Randint(0, 11, [2 * 10]);
        var expected = ByHand.Logits(ByHand.Copy(model), tokens.clone()); // [2, 10, 11]

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
            Assert.That(parameter.grad!.abs().sum().ToDouble(), Is.GreaterThan(0f), $"the gradient of {name} is all zeros: is it used in forward?");
        }
        // The gradients are those of the forward pass only if the logits are: every parameter used, and used as GPT-2 uses it.
        TensorAssert.Close(logits.detach(), expected, name:
            "the logits of Transformer.call(tokens) vs the forward pass computed by hand from its parameters (embeddings, pre-LN blocks " +
            "of causal attention and a GELU MLP, ln_final, the unembedding): every parameter must reach the logits the way the model uses it, not just be in the graph");
    }

    [Test, Points(1)]
    public void HooksFire_OnEverySubmoduleInForward_AndOnTheModelInGenerateAndTrainStep()
    {
        using var seeded = new Seeded(404);
        var model = new Transformer(Odd);
        model.to(Device);
        var tokens = seeded.Randint(0, 11, [2, 10]);
        var submodules = new List<(string Name, nn.Module Module)> { ("embed", model.embed), ("pos_embed", model.pos_embed) };
        for (int i = 0; i < model.blocks.Count; i++)
        {
            var block = model.blocks[i];
            submodules.AddRange([($"blocks.{i}", block), ($"blocks.{i}.ln1", block.ln1), ($"blocks.{i}.attn", block.attn), ($"blocks.{i}.ln2", block.ln2), ($"blocks.{i}.mlp", block.mlp)]);
        }
        submodules.AddRange([("ln_final", model.ln_final), ("unembed", model.unembed)]);
        var fired = new List<string>();
        foreach (var (name, module) in submodules)
            ((nn.Module<Tensor, Tensor>)module).register_forward_hook(_ => fired.Add(name));

        using (no_grad()) model.call(tokens.clone());

        var missing = submodules.Select(s => s.Name).Where(name => !fired.Contains(name)).ToList();
        Assert.That(missing, Is.Empty,
            $"forward hooks on {string.Join(", ", missing)} did not fire during Transformer.call: call submodules with module.call(x), " +
            "not module.forward(x) (hooks only fire through call, and interpretability tools read a model through them)");
        Assert.That(fired, Is.EquivalentTo(submodules.Select(s => s.Name)), "every submodule runs once per forward pass");

        // Generate and TrainStep run the model itself through call too: a hook on the whole model fires once per new token,
        // and once per training step.
        var passes = 0;
        model.register_forward_hook(_ => passes++);
        using (var generator = new Generator(5, CPU))
            model.Generate(tokens.clone(), 3, generator: generator);
        Assert.That(passes, Is.EqualTo(3),
            "a forward hook on the model fired " + passes + " time(s) while Generate(prompt, maxNewTokens: 3) ran: run the model with call(context) once per new token, not forward");
        passes = 0;
        var optimizer = optim.AdamW(model.parameters(), lr: 1e-3);
        Trainer.TrainStep(model, optimizer, tokens.clone());
        Assert.That(passes, Is.EqualTo(1),
            "a forward hook on the model fired " + passes + " time(s) in one TrainStep: compute the logits with model.call(batch) once, not model.forward(batch)");
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

/// <summary>
/// The forward pass of a pre-LN transformer written with plain torch ops, in float64, on copies of a module's parameters
/// taken by <see cref="Copy"/> before any call to homework code: the value a property test checks along with its property.
/// </summary>
static class ByHand
{
    public const double Eps = 1e-5; // Config.layer_norm_eps's default, which every config of these tests keeps

    /// <summary>Float64 copies of <paramref name="module"/>'s parameters, by name.</summary>
    public static Dictionary<string, Tensor> Copy(nn.Module module)
    {
        using var noGrad = no_grad();
        return module.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().to(ScalarType.Float64).clone());
    }

    public static Tensor LayerNorm(Tensor x, Dictionary<string, Tensor> p, string prefix)
    {
        var centred = x - x.mean([-1], keepdim: true);
        var variance = centred.pow(2).mean([-1], keepdim: true); // biased
        return centred / (variance + Eps).sqrt() * p[prefix + "w"] + p[prefix + "b"];
    }

    public static Tensor Mlp(Tensor x, Dictionary<string, Tensor> p, string prefix) =>
        nn.functional.gelu(x.matmul(p[prefix + "W_in"]) + p[prefix + "b_in"]).matmul(p[prefix + "W_out"]) + p[prefix + "b_out"];

    /// <summary>Scores [..., q_pos, k_pos] with the future (k_pos > q_pos) set to -inf.</summary>
    public static Tensor Masked(Tensor scores)
    {
        long n = scores.shape[^1];
        var future = ones(n, n, ScalarType.Bool, scores.device).triu(1);
        return scores.masked_fill(future, double.NegativeInfinity);
    }

    public static Tensor Attention(Tensor x, Dictionary<string, Tensor> p, string prefix)
    {
        var q = einsum("bpm,hmd->bhpd", x, p[prefix + "W_Q"]) + p[prefix + "b_Q"].unsqueeze(1); // [batch, head, pos, d_head]
        var k = einsum("bpm,hmd->bhpd", x, p[prefix + "W_K"]) + p[prefix + "b_K"].unsqueeze(1);
        var v = einsum("bpm,hmd->bhpd", x, p[prefix + "W_V"]) + p[prefix + "b_V"].unsqueeze(1);
        var scores = q.matmul(k.transpose(-2, -1)) / Math.Sqrt(q.shape[^1]); // [batch, head, q_pos, k_pos]
        var z = Masked(scores).softmax(-1).matmul(v); // [batch, head, q_pos, d_head]
        return einsum("bhpd,hdm->bpm", z, p[prefix + "W_O"]) + p[prefix + "b_O"];
    }

    public static Tensor Block(Tensor x, Dictionary<string, Tensor> p, string prefix)
    {
        var mid = x + Attention(LayerNorm(x, p, prefix + "ln1."), p, prefix + "attn.");
        return mid + Mlp(LayerNorm(mid, p, prefix + "ln2."), p, prefix + "mlp.");
    }

    /// <summary>The logits [batch, pos, d_vocab] of a Transformer with parameters <paramref name="p"/> on tokens [batch, pos], as float32.</summary>
    public static Tensor Logits(Dictionary<string, Tensor> p, Tensor tokens)
    {
        using var noGrad = no_grad();
        long batch = tokens.shape[0], pos = tokens.shape[1];
        var ids = tokens.reshape(-1).to(p["embed.W_E"].device);
        var x = p["embed.W_E"].index_select(0, ids).reshape(batch, pos, -1) + p["pos_embed.W_pos"][..(int)pos];
        for (int i = 0; p.ContainsKey($"blocks.{i}.ln1.w"); i++) x = Block(x, p, $"blocks.{i}.");
        var logits = LayerNorm(x, p, "ln_final.").matmul(p["unembed.W_U"]) + p["unembed.b_U"];
        return logits.to(ScalarType.Float32);
    }

    /// <summary>The mean cross-entropy of the logits at positions 0..pos-2 predicting the tokens at 1..pos-1, as float32.</summary>
    public static Tensor Loss(Tensor logits, Tensor tokens) =>
        nn.functional.cross_entropy(logits[.., ..^1].reshape(-1, logits.shape[^1]).to(ScalarType.Float64), tokens[.., 1..].reshape(-1)).to(ScalarType.Float32);
}
