using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.HiddenTests;

/// <summary>No function may write into the tensors it is given: callers reuse them (the residual stream, a prompt, logits).</summary>
[Visibility(Visibility.Hidden)]
public sealed class HiddenInputsUnchangedTests : TorchTest
{
    static Config Small => new(d_model: 8, n_layers: 2, n_heads: 2, d_head: 3, d_mlp: 16, d_vocab: 9, n_ctx: 12, init_range: 0.3);

    static void AssertUnchanged(Tensor actual, Tensor before, string call) =>
        TensorAssert.Close(actual, before, Tolerance.Exact, $"the input after {call} (use out-of-place ops such as x - m, not x.sub_(m))");

    [Test, Points(1)]
    public void ModuleForwards_AndTheAttentionHelpers_DoNotModifyTheirInput()
    {
        using var seeded = new Seeded(420);
        var x = seeded.Randn([2, 5, 8]);
        var before = x.clone();
        var tokens = seeded.Randint(0, 9, [2, 5]);
        var tokensBefore = tokens.clone();
        var layerNorm = new LayerNorm(Small);
        var mlp = new Mlp(Small);
        var block = new TransformerBlock(Small);
        var model = new Transformer(Small);
        // Every weight the expected values below are computed from is the test's, drawn here, never the constructor's.
        Dictionary<string, Tensor> layerNormWeights, mlpWeights, blockWeights, modelWeights;
        using (var weights = new Seeded(1420))
        {
            layerNormWeights = ByHand.Draw(layerNorm, Small, weights);
            mlpWeights = ByHand.Draw(mlp, Small, weights);
            blockWeights = ByHand.Draw(block, Small, weights);
            modelWeights = ByHand.Draw(model, Small, weights);
        }
        foreach (var module in new nn.Module[] { layerNorm, mlp, block, model }) module.to(Device);
        var scores = seeded.Randn([2, 2, 5, 5]); // [batch, head, q_pos, k_pos]
        var scoresBefore = scores.clone();
        var q = seeded.Randn([2, 2, 5, 3]); // [batch, head, q_pos, d_head]
        var k = seeded.Randn([2, 2, 5, 3]); // [batch, head, k_pos, d_head]
        var (qBefore, kBefore) = (q.clone(), k.clone());
        // What each call must return, by hand from the draws (on the CPU, where they are) and copies of the inputs taken before any call.
        var x64 = before.cpu().to(ScalarType.Float64);
        var expectedLayerNorm = ByHand.LayerNorm(x64, layerNormWeights, "").to(ScalarType.Float32);
        var expectedMlp = ByHand.Mlp(x64, mlpWeights, "").to(ScalarType.Float32);
        var expectedBlock = ByHand.Block(x64, blockWeights, "").to(ScalarType.Float32);
        var expectedLogits = ByHand.Logits(modelWeights, tokensBefore.clone());
        var expectedMasked = ByHand.Masked(scoresBefore.clone());
        var expectedPattern = ByHand.Masked(scoresBefore.to(ScalarType.Float64)).softmax(-1).to(ScalarType.Float32);
        var expectedScores = (qBefore.to(ScalarType.Float64).matmul(kBefore.to(ScalarType.Float64).transpose(-2, -1)) / Math.Sqrt(3)).to(ScalarType.Float32);

        var normed = layerNorm.call(x);
        AssertUnchanged(x, before, "LayerNorm.call(x)");
        var mlpOut = mlp.call(x);
        AssertUnchanged(x, before, "Mlp.call(x)");
        var blockOut = block.call(x);
        AssertUnchanged(x, before, "TransformerBlock.call(x)");
        var logits = model.call(tokens);
        AssertUnchanged(tokens, tokensBefore, "Transformer.call(tokens)");
        var masked = CausalMask.Apply(scores);
        AssertUnchanged(scores, scoresBefore, "CausalMask.Apply(scores) (a copy: masked_fill, not masked_fill_)");
        var pattern = Attention.Pattern(scores);
        AssertUnchanged(scores, scoresBefore, "Attention.Pattern(scores)");
        var qk = Attention.Scores(q, k);
        AssertUnchanged(q, qBefore, "Attention.Scores(q, k) (divide the scores or a copy of q by sqrt(d_head), not q.div_)");
        AssertUnchanged(k, kBefore, "Attention.Scores(q, k)");

        // Leaving the input alone counts together with the values of the same calls.
        TensorAssert.Close(normed, expectedLayerNorm, name: "LayerNorm.call(x) vs (x - mean) / sqrt(biased variance + eps) * w + b over the last dimension");
        TensorAssert.Close(mlpOut, expectedMlp, name: "Mlp.call(x) vs GELU(x W_in + b_in) W_out + b_out, with the exact GELU");
        TensorAssert.Close(blockOut, expectedBlock, name:
            "TransformerBlock.call(x) vs by hand: resid_mid = x + attn(ln1(x)), resid_post = resid_mid + mlp(ln2(resid_mid)), with causal attention");
        TensorAssert.Close(logits, expectedLogits, name:
            "Transformer.call(tokens) vs by hand: unembed(ln_final(the blocks on embed(tokens) + pos_embed(tokens)))");
        TensorAssert.Close(masked, expectedMasked, name: "CausalMask.Apply(scores) vs the scores with -inf where k_pos > q_pos");
        TensorAssert.Close(pattern, expectedPattern, name: "Attention.Pattern(scores) vs softmax over k_pos of the causally masked scores");
        TensorAssert.Close(qk, expectedScores, name: "Attention.Scores(q, k) vs q k^T / sqrt(d_head)");
    }

    [Test, Points(1)]
    public void LossAndSampling_DoNotModifyTheLogitsOrTokens()
    {
        using var seeded = new Seeded(421);
        var logits = seeded.Randn([2, 5, 9]);
        var before = logits.clone();
        var tokens = seeded.Randint(0, 9, [2, 5]);
        var tokensBefore = tokens.clone();
        var last = seeded.Randn([3, 9]);
        var lastBefore = last.clone();
        // What each call must return, by hand from the copies.
        var expectedLoss = ByHand.Loss(before.clone(), tokensBefore.clone());
        var expectedTemperature = lastBefore / 0.5;
        var third = lastBefore.topk(3, dim: -1).values[.., 2..]; // [3, 1]: the 3rd largest of each row
        var expectedTop3 = lastBefore.masked_fill(lastBefore < third, double.NegativeInfinity).softmax(-1);
        var fourth = lastBefore.topk(4, dim: -1).values[.., 3..]; // [3, 1]
        var inTop4 = lastBefore >= fourth; // [3, 9]
        var expectedGreedy = lastBefore.argmax(-1);

        var loss = LmLoss.CrossEntropy(logits, tokens);
        AssertUnchanged(logits, before, "LmLoss.CrossEntropy(logits, tokens)");
        AssertUnchanged(tokens, tokensBefore, "LmLoss.CrossEntropy(logits, tokens)");
        var cooled = Sampling.ApplyTemperature(last, 0.5);
        AssertUnchanged(last, lastBefore, "Sampling.ApplyTemperature(logits, 0.5)");
        var top3 = Sampling.TopK(last, 3);
        AssertUnchanged(last, lastBefore, "Sampling.TopK(logits, 3)");
        var top9 = Sampling.TopK(last, 9);
        AssertUnchanged(last, lastBefore, "Sampling.TopK(logits, 9) (k = d_vocab)");
        var greedy = Sampling.SampleNext(last, 0);
        AssertUnchanged(last, lastBefore, "Sampling.SampleNext(logits, temperature: 0)");
        var drawn = Sampling.SampleNext(last, 0.7, topK: 4, generator: seeded.Generator);
        AssertUnchanged(last, lastBefore, "Sampling.SampleNext(logits, temperature: 0.7, topK: 4)");

        // Leaving the input alone counts together with the values of the same calls.
        TensorAssert.Close(loss, expectedLoss, name: "LmLoss.CrossEntropy(logits, tokens) vs cross_entropy(logits[:, :-1], tokens[:, 1:])");
        TensorAssert.Close(cooled, expectedTemperature, name: "Sampling.ApplyTemperature(logits, 0.5) vs logits / 0.5");
        TensorAssert.Close(top3.softmax(-1), expectedTop3, name:
            "softmax of Sampling.TopK(logits, 3) vs softmax of the logits with all but the 3 largest of each row set to -inf");
        TensorAssert.Close(top9, lastBefore, name: "Sampling.TopK(logits, 9) with k = d_vocab vs the logits unchanged");
        TensorAssert.Close(greedy.cpu(), expectedGreedy.cpu(), Tolerance.Exact, "Sampling.SampleNext(logits, temperature: 0) vs the argmax of each row");
        TensorAssert.Shape(drawn, [3], "Sampling.SampleNext(logits [3, 9], 0.7, topK: 4)");
        Assert.That(inTop4.gather(1, drawn.to(inTop4.device).unsqueeze(1)).logical_not().sum().item<long>(), Is.Zero,
            $"rows of the 3 where Sampling.SampleNext(logits, 0.7, topK: 4) drew a token outside the 4 largest logits (drew [{string.Join(", ", drawn.cpu().to_type(ScalarType.Int64).data<long>().ToArray())}]): mask all but the top k before the softmax");
    }

    [Test, Points(1)]
    public void Generate_DoesNotModifyThePrompt()
    {
        using var seeded = new Seeded(422);
        var model = new Transformer(Small);
        Dictionary<string, Tensor> drawn; // the test's weights, not the constructor's, as drawn: what the test computes from
        using (var weights = new Seeded(1422)) drawn = ByHand.Draw(model, Small, weights);
        model.to(Device);
        var prompt = seeded.Randint(0, 9, [2, 10]);
        var before = prompt.clone();
        var byHand = ByHand.Logits(drawn, before.clone()); // [2, 10, 9]

        var sampled = model.Generate(prompt, 5, temperature: 1.0, topK: 3, generator: seeded.Generator);
        AssertUnchanged(prompt, before, "Transformer.Generate(prompt, 5) (crossing n_ctx = 12)");
        var greedy = model.Generate(prompt, 2, temperature: 0);
        AssertUnchanged(prompt, before, "Transformer.Generate(prompt, 2, temperature: 0)");

        // Leaving the prompt alone counts together with what Generate returns: the prompt, then tokens the model chose.
        TensorAssert.Shape(sampled, [2, 15], "Transformer.Generate(prompt [2, 10], 5)");
        TensorAssert.Close(sampled[.., ..10], before, Tolerance.Exact, "the first 10 tokens of Generate(prompt [2, 10], 5): the prompt itself");
        TensorAssert.Shape(greedy, [2, 12], "Transformer.Generate(prompt [2, 10], 2, temperature: 0)");
        TensorAssert.Close(greedy[.., ..10], before, Tolerance.Exact, "the first 10 tokens of Generate(prompt [2, 10], 2, temperature: 0): the prompt itself");
        using var noGrad = no_grad();
        var first = model.call(before.clone())[.., -1]; // [2, d_vocab]
        TensorAssert.Close(first, byHand[.., -1], name:
            "the last position's logits of Transformer.call(prompt) vs the forward pass computed by hand from its parameters");
        var expected = cat([before, first.argmax(-1).unsqueeze(1)], 1); // [2, 11]
        expected = cat([expected, model.call(expected.clone())[.., -1].argmax(-1).unsqueeze(1)], 1); // [2, 12]
        TensorAssert.Close(greedy, expected, Tolerance.Exact,
            "Generate(prompt, 2, temperature: 0) vs the prompt followed by the argmax of the last position's logits, twice");
    }
}
