using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenTransformerTests : TorchTest
{
    // d_head = 5 is not d_model / n_heads = 4, d_mlp = 20 is not 4 d_model, and there are three layers.
    static Config Odd => new(d_model: 12, n_layers: 3, n_heads: 3, d_head: 5, d_mlp: 20, d_vocab: 11, n_ctx: 10, init_range: 0.3);

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

    [Test, Points(2)]
    public void Backward_ReachesEveryParameterOfTheModel()
    {
        using var seeded = new Seeded(403);
        var model = new Transformer(Odd);
        Dictionary<string, Tensor> byHand; // the test's weights, not the constructor's, as drawn: what the test computes from
        using (var weights = new Seeded(1403)) byHand = ByHand.Draw(model, Odd, weights);
        model.to(Device);
        var tokens = seeded.Randint(0, 11, [2, 10]);
        var targets = seeded.Randint(0, 11, [2 * 10]);
        var expected = ByHand.Logits(byHand, tokens.clone()); // [2, 10, 11]
        // The gradient by definition: autograd through the forward pass written out in float64, with the same loss.
        foreach (var copy in byHand.Values) copy.requires_grad_(true);
        nn.functional.cross_entropy(ByHand.Logits64(byHand, tokens.clone()).reshape(-1, 11), targets.clone()).backward();

        var logits = model.call(tokens);
        nn.functional.cross_entropy(logits.reshape(-1, 11), targets).backward();

        foreach (var (name, parameter) in model.named_parameters())
        {
            Assert.That(byHand.ContainsKey(name), Is.True, $"Transformer has a parameter {name} the test does not know: keep the parameters, names and shapes you were given");
            // b_K's gradient is zero in exact arithmetic: it adds q . b_K to every score of a query, and softmax ignores a
            // constant shift. So a forward pass that leaves it out computes the same function, and no gradient (null) is that
            // zero too; one that uses it only has to keep its gradient finite.
            bool zeroInExactArithmetic = name.EndsWith(".b_K", StringComparison.Ordinal);
            if (zeroInExactArithmetic && parameter.grad is null) continue;
            Assert.That(parameter.grad, Is.Not.Null, $"{name} got no gradient: is it used in forward, without detach() or a copy of its data?");
            Assert.That(parameter.grad!.isfinite().logical_not().sum().item<long>(), Is.Zero,
                $"values of the gradient of {name} that are not finite: {parameter.grad!.isnan().sum().item<long>()} NaN and {parameter.grad!.isinf().sum().item<long>()} Inf " +
                $"out of {parameter.grad!.numel()}: look for a -inf mask on a whole row (masking j >= i), a division by zero or an overflow in forward");
            if (zeroInExactArithmetic) continue;
            Assert.That(parameter.grad!.abs().sum().ToDouble(), Is.GreaterThan(0f), $"the gradient of {name} is all zeros: is it used in forward?");
        }
        // The gradients are those of the forward pass only if the logits are: every parameter used, and used as GPT-2 uses it.
        TensorAssert.Close(logits.detach(), expected, name:
            "the logits of Transformer.call(tokens) vs the forward pass computed by hand from its parameters (embeddings, pre-LN blocks " +
            "of causal attention and a GELU MLP, ln_final, the unembedding): every parameter must reach the logits the way the model uses it, not just be in the graph");
        // And the backward pass is the forward pass's: a detach() that leaves the forward values as they are (LayerNorm's mean,
        // say: LayerNorm is shift-invariant, so training hardly notices) still gives every parameter before it a wrong gradient.
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.EndsWith(".b_K", StringComparison.Ordinal)) continue; // zero in exact arithmetic: no scale to compare at
            TensorAssert.Close(parameter.grad!, byHand[name].grad!.to(ScalarType.Float32), name:
                $"the gradient of {name} after cross_entropy(Transformer.call(tokens)).backward() vs autograd through the forward pass written out " +
                "in float64 with the same loss: the forward pass matches, so a detach() or .data in forward (LayerNorm's mean or variance, a mask, " +
                "a scale) cuts a path the gradient must take");
        }
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
        // Each at least once: the handout asks for call(), not for one call each (a shape read off pos_embed.call(tokens) is fine,
        // as in hw3); a submodule run twice where it changes the logits fails the logits checks.
        Assert.That(fired.Distinct(), Is.EquivalentTo(submodules.Select(s => s.Name)), "the submodules whose forward hooks fired in one forward pass");

        // Generate and TrainStep run the model itself through call too: a hook on the whole model fires once per new token of a
        // prompt of one row (a batch may run its rows together or one by one), and once per training step.
        var passes = 0;
        model.register_forward_hook(_ => passes++);
        using (var generator = new Generator(5, CPU))
            model.Generate(tokens[..1].clone(), 3, generator: generator);
        Assert.That(passes, Is.EqualTo(3),
            "a forward hook on the model fired " + passes + " time(s) while Generate(prompt [1, 10], maxNewTokens: 3) ran: run the model with call(context) once per new token, not forward");
        passes = 0;
        var optimizer = optim.AdamW(model.parameters(), lr: 1e-3);
        Trainer.TrainStep(model, optimizer, tokens.clone());
        Assert.That(passes, Is.EqualTo(1),
            "a forward hook on the model fired " + passes + " time(s) in one TrainStep: compute the logits with model.call(batch) once, not model.forward(batch)");
    }

    [Test, Points(1.5)]
    public void Forward_IsCausal_ChangingLaterTokensLeavesEarlierLogitsUnchanged()
    {
        using var seeded = new Seeded(404);
        var model = new Transformer(Odd);
        // The test's weights: with the constructor's all zero, every logit is b_U, unchanged by any token, and causal.
        using (var weights = new Seeded(1404)) ByHand.Draw(model, Odd, weights);
        model.to(Device);
        var tokens = seeded.Randint(0, 11, [3, 10]);
        var changed = tokens.clone();
        changed[.., 5..] = (tokens[.., 5..] + 1 + seeded.Randint(0, 10, [3, 5])) % 11;

        var logits = model.call(tokens);
        var changedLogits = model.call(changed);

        TensorAssert.Close(changedLogits[.., ..5], logits[.., ..5], name:
            "logits at positions 0..4 after changing the tokens at positions 5..9 (no attention layer may look ahead, and " +
            "LayerNorm and the MLP must work on each position alone)");
        Assert.That(changedLogits[.., 5..].isclose(logits[.., 5..]).logical_not().sum().item<long>(), Is.GreaterThan(0),
            $"logits at positions 5..9 (of {logits[.., 5..].numel()}) that changed when their tokens did (none: are the logits computed from the tokens?)");
    }

    /// <summary>
    /// Scores with fewer or more queries than keys, which CausalMask.Apply's doc allows ([..., query_pos, key_pos]). Its
    /// rule is by index, as in hw3: entry [i, j] is -inf when j &gt; i (ones(q_pos, k_pos).triu(1)). A mask sized by the
    /// key count alone cannot be applied to them, and one aligned to the last query (j &gt; i + k_pos - q_pos) masks
    /// other entries.
    /// </summary>
    [Test, Points(0.5)] // taken from Forward_IsCausal_ChangingLaterTokensLeavesEarlierLogitsUnchanged
    public void CausalMask_OnRectangularScores_MasksKeyPosAboveQueryPos_ByIndex()
    {
        using var seeded = new Seeded(405);
        foreach (var (queries, keys) in new[] { (3L, 5L), (5L, 3L) })
        {
            var scores = seeded.Randn([2, 2, queries, keys]); // [batch, head, q_pos, k_pos]
            var expected = scores.cpu().clone();
            var lowerRight = scores.cpu().clone(); // the mask aligned to the last query instead
            for (long i = 0; i < queries; i++)
                for (long j = 0; j < keys; j++)
                {
                    if (j > i) expected[.., .., i, j] = double.NegativeInfinity;
                    if (j > i + keys - queries) lowerRight[.., .., i, j] = double.NegativeInfinity;
                }
            string what = $"CausalMask.Apply(scores [2, 2, {queries}, {keys}]) ({queries} queries, {keys} keys)";

            Tensor masked;
            try
            {
                masked = CausalMask.Apply(scores);
            }
            catch (Exception e)
            {
                Assert.Fail($"{what} threw {e.GetType().Name}: {e.Message.Split('\n')[0]}. Build the mask from both " +
                    "q_pos = scores.shape[^2] and k_pos = scores.shape[^1], e.g. ones(q_pos, k_pos, ScalarType.Bool, device).triu(1), not a square one");
                return;
            }

            if (TensorAssert.CloseFailure(masked, lowerRight.to(Device), Tolerance.Exact) is null)
                Assert.Fail($"{what}: row i keeps keys 0..i {(keys > queries ? "+" : "-")} {Math.Abs(keys - queries)}, a mask aligned to the last query; CausalMask.Apply's doc " +
                    "says the rule is by index, entry [i, j] is -inf when j > i, so row i keeps keys 0..i: use ones(q_pos, k_pos).triu(1), not triu(1 + k_pos - q_pos)");
            TensorAssert.Close(masked, expected.to(Device), Tolerance.Exact,
                $"{what}: entry [i, j] is -inf when key j > query i, by index (row i keeps keys 0..i), the rest unchanged");
        }
    }
}
