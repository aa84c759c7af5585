using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.HiddenTests;

/// <summary>No function may write into the tensors it is given: callers reuse them (the residual stream, a prompt, logits).</summary>
[Visibility(Visibility.Hidden)]
public sealed class HiddenInputsUnchangedTests : TorchTest
{
    static readonly Config Small = new(d_model: 8, n_layers: 2, n_heads: 2, d_head: 3, d_mlp: 16, d_vocab: 9, n_ctx: 12, init_range: 0.3);

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
        foreach (var module in new nn.Module[] { layerNorm, mlp, block, model }) module.to(Device);

        layerNorm.call(x);
        AssertUnchanged(x, before, "LayerNorm.call(x)");
        mlp.call(x);
        AssertUnchanged(x, before, "Mlp.call(x)");
        block.call(x);
        AssertUnchanged(x, before, "TransformerBlock.call(x)");
        model.call(tokens);
        AssertUnchanged(tokens, tokensBefore, "Transformer.call(tokens)");
        var scores = seeded.Randn([2, 2, 5, 5]); // [batch, head, q_pos, k_pos]
        var scoresBefore = scores.clone();
        CausalMask.Apply(scores);
        AssertUnchanged(scores, scoresBefore, "CausalMask.Apply(scores) (a copy: masked_fill, not masked_fill_)");
        Attention.Pattern(scores);
        AssertUnchanged(scores, scoresBefore, "Attention.Pattern(scores)");
        var q = seeded.Randn([2, 2, 5, 3]); // [batch, head, q_pos, d_head]
        var k = seeded.Randn([2, 2, 5, 3]); // [batch, head, k_pos, d_head]
        var (qBefore, kBefore) = (q.clone(), k.clone());
        Attention.Scores(q, k);
        AssertUnchanged(q, qBefore, "Attention.Scores(q, k) (divide the scores or a copy of q by sqrt(d_head), not q.div_)");
        AssertUnchanged(k, kBefore, "Attention.Scores(q, k)");
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

        LmLoss.CrossEntropy(logits, tokens);
        AssertUnchanged(logits, before, "LmLoss.CrossEntropy(logits, tokens)");
        AssertUnchanged(tokens, tokensBefore, "LmLoss.CrossEntropy(logits, tokens)");
        Sampling.ApplyTemperature(last, 0.5);
        AssertUnchanged(last, lastBefore, "Sampling.ApplyTemperature(logits, 0.5)");
        Sampling.TopK(last, 3);
        AssertUnchanged(last, lastBefore, "Sampling.TopK(logits, 3)");
        Sampling.TopK(last, 9);
        AssertUnchanged(last, lastBefore, "Sampling.TopK(logits, 9) (k = d_vocab)");
        Sampling.SampleNext(last, 0);
        AssertUnchanged(last, lastBefore, "Sampling.SampleNext(logits, temperature: 0)");
        Sampling.SampleNext(last, 0.7, topK: 4, generator: seeded.Generator);
        AssertUnchanged(last, lastBefore, "Sampling.SampleNext(logits, temperature: 0.7, topK: 4)");
    }

    [Test, Points(1)]
    public void Generate_DoesNotModifyThePrompt()
    {
        using var seeded = new Seeded(422);
        var model = new Transformer(Small);
        model.to(Device);
        var prompt = seeded.Randint(0, 9, [2, 10]);
        var before = prompt.clone();

        model.Generate(prompt, 5, temperature: 1.0, topK: 3, generator: seeded.Generator);
        AssertUnchanged(prompt, before, "Transformer.Generate(prompt, 5) (crossing n_ctx = 12)");
        model.Generate(prompt, 2, temperature: 0);
        AssertUnchanged(prompt, before, "Transformer.Generate(prompt, 2, temperature: 0)");
    }
}
