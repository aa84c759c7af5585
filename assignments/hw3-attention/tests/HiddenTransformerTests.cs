using System.Runtime.InteropServices;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw3.Attention.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenTransformerTests : TorchTest
{
    static AttentionConfig Config => new(d_model: 16, n_heads: 2, d_head: 8, n_ctx: 12, d_vocab: 10, n_layers: 2, init_range: 0.3);

    [Test, Points(3)]
    public void Forward_IsCausal_ChangingLaterTokensLeavesEarlierLogitsUnchanged()
    {
        using var seeded = new Seeded(130);
        var model = new AttentionOnlyTransformer(Config);
        var weights = AttentionByHand.Draw(model, Config, seeded);
        model.to(Device);
        var tokens = seeded.Randint(0, 10, [2, 10]);
        var changed = tokens.clone();
        changed[.., 6..] = (tokens[.., 6..] + 1) % 10;
        var expected = AttentionByHand.Logits(weights, tokens);
        var expectedChanged = AttentionByHand.Logits(weights, changed);

        var logits = model.call(tokens);
        var changedLogits = model.call(changed);

        TensorAssert.Close(changedLogits[.., ..6], logits[.., ..6], name:
            "logits at positions 0..5 after changing the tokens at positions 6..9 (no layer may look ahead)");
        Assert.That(changedLogits[.., 6..].isclose(logits[.., 6..]).logical_not().sum().item<long>(), Is.GreaterThan(0),
            $"logits at positions 6..9 (of {logits[.., 6..].numel()}) that changed when their tokens did (none: are the logits computed from the tokens?)");
        // Causal, and the model's logits: a model that reads only each position's own token is causal too.
        TensorAssert.Close(logits, expected, name:
            "logits vs the test's own forward pass from the same weights ((W_E[token] + W_pos[pos]), each block's causal attention added " +
            "to the residual, times W_U): causal, but not these values");
        TensorAssert.Close(changedLogits, expectedChanged, name:
            "logits of the changed tokens vs the test's own forward pass from the same weights");
    }

    [Test, Points(3)]
    public void WithSilentAttention_LogitsAreTokenPlusPositionEmbeddingTimesW_U()
    {
        using var seeded = new Seeded(131);
        var model = new AttentionOnlyTransformer(Config);
        // The test's draws with every block's W_O and b_O zero, written by the test: each block writes 0 to the residual stream.
        var drawn = AttentionByHand.DrawModel(Config, seeded);
        AttentionByHand.Write(model, drawn with { Blocks = drawn.Blocks.Select(block => block with { W_O = zeros_like(block.W_O), b_O = zeros_like(block.b_O) }).ToArray() });
        model.to(Device);
        var tokens = seeded.Randint(0, 10, [3, 7]);

        var tokenIds = tokens.cpu().data<long>().ToArray();
        // The weights the test wrote: forward reads them, and must leave them as they were.
        var W_E = drawn.W_E.to_type(ScalarType.Float32);
        var W_pos = drawn.W_pos.to_type(ScalarType.Float32);
        var W_U = drawn.W_U.to_type(ScalarType.Float32);

        var logits = model.call(tokens);

        foreach (var (name, parameter, before) in new[] { ("W_E", model.W_E, W_E), ("pos_embed.W_pos", model.pos_embed.W_pos, W_pos), ("W_U", model.W_U, W_U) })
            TensorAssert.Close(parameter.cpu(), before, Tolerance.Exact,
                $"{name} after model.call(tokens): forward must leave the weights as they were (no zero_, copy_ or other in-place op on a parameter)");
        using var noGrad = no_grad();
        var expected = zeros(3, 7, 10);
        for (int b = 0; b < 3; b++)
            for (int p = 0; p < 7; p++)
                expected[b, p] = (W_E[tokenIds[b * 7 + p]] + W_pos[p]).matmul(W_U);
        TensorAssert.Close(logits, expected.to(Device), name:
            "logits when every block writes 0 to the residual stream: (W_E[token] + W_pos[pos]) W_U, block outputs added to the residual");
    }

    [Test, Points(2)]
    public void Backward_GivesTheEmbeddingsAndEveryBlock_TheGradientOfTheWholeForwardPass()
    {
        // Float64 and three layers, with random biases: the gradient of W_E, W_pos and every block but the last flows both through
        // the later blocks' q, k and v and along the residual (skip) path, and each of them is compared, so a path cut in either
        // (residual.detach() + block(residual), or block(residual.detach())) shows, though every parameter still gets a gradient.
        using var seeded = new Seeded(133);
        var threeLayers = Config with { n_layers = 3 };
        var model = new AttentionOnlyTransformer(threeLayers);
        var weights = AttentionByHand.Draw(model, threeLayers, seeded);
        model.to(Device).to(ScalarType.Float64);
        var tokens = seeded.Randint(0, 10, [2, 9]);
        var (expectedLogits, expectedGradients) = AttentionByHand.LogitsAndGradients(weights, tokens);

        var logits = model.call(tokens);
        TensorAssert.Close(logits, expectedLogits.to(Device), name:
            "float64 logits vs the test's own forward pass from the same weights ((W_E[token] + W_pos[pos]), each block's causal attention " +
            "added to the residual, times W_U): the forward pass is off, so its gradients are too");
        try
        {
            logits.pow(2).sum().backward();
        }
        catch (Exception e) when (e is ExternalException or InvalidOperationException or ArgumentException)
        {
            Assert.Fail($"backward through AttentionOnlyTransformer threw ({e.Message.Split('\n')[0]}): is a tensor autograd needs modified in place in forward (add_, copy_)?");
        }

        foreach (var (name, parameter) in model.named_parameters())
        {
            Assert.That(expectedGradients.ContainsKey(name), Is.True, $"AttentionOnlyTransformer has a parameter {name} the test does not know: keep the given fields");
            // b_K's gradient is zero in exact arithmetic (softmax ignores a shift shared by a query's scores), so a forward pass
            // that leaves b_K out computes the same function, and no gradient is that zero too, as hw4's tests take it.
            if (name.EndsWith(".b_K", StringComparison.Ordinal) && parameter.grad is null) continue;
            Assert.That(parameter.grad, Is.Not.Null, $"AttentionOnlyTransformer's {name} got no gradient: is it used in forward, without detach() or a copy of its data?");
            TensorAssert.Close(parameter.grad!, expectedGradients[name].to(Device), name:
                $"{name}.grad after model(tokens).pow(2).sum().backward(), float64, vs the gradient the test takes by autograd through its own forward " +
                "pass from the same weights: the logits agree, so a path from this weight to them is cut; does each block add its output to the " +
                "residual it read, residual = residual + block(residual), with neither term detached (no residual.detach(), no copy of its data)?");
        }
    }

    [Test, Points(2)]
    public void Forward_MatchesTheReference_WithThreeLayers()
    {
        using var seeded = new Seeded(132);
        using var golden = Golden.Open("transformer_three_layers");
        var model = new AttentionOnlyTransformer(new(d_model: 12, n_heads: 3, d_head: 4, n_ctx: 10, d_vocab: 7, n_layers: 3));
        golden.LoadParameters(model, seeded, scale: 0.3);
        var tokens = golden.Input("tokens", () => randint(0, 7, [2, 10], ScalarType.Int64, CPU, generator: seeded.Generator));

        golden.AssertClose("logits", model.call(tokens),
            "AttentionOnlyTransformer.call(tokens), 3 layers [2, 10, 7]: embeddings + each block, times W_U");
    }
}
