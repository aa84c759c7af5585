using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenGenerationTests : TorchTest
{
    const int GreedyNewTokens = 10;
    const double MinimumGap = 0.05;

    [Test, Points(1)]
    public void Generate_IsReproducibleWithTheSameGenerator_VariesWithItsSeed_SamplesAsSampleNextDoes_AndKeepsABatchOfOne()
    {
        var config = new Config(d_model: 16, n_layers: 1, n_heads: 2, d_head: 8, d_mlp: 32, d_vocab: 20, n_ctx: 40);
        var model = new Transformer(config);
        using var weights = new Seeded(1450); // the test's weights, not the constructor's
        ByHand.Draw(model, config, weights);
        model.to(Device);
        using var seeded = new Seeded(450);
        var prompt = seeded.Randint(0, 20, [2, 3]);

        Tensor Draw(ulong seed)
        {
            using var generator = new Generator(seed, CPU);
            return model.Generate(prompt.clone(), 30, temperature: 1.0, topK: 5, generator: generator);
        }
        var first = Draw(7);
        var again = Draw(7);
        var other = Draw(8);

        TensorAssert.Shape(first, [2, 33], "Generate(prompt [2, 3], 30)");
        TensorAssert.Close(again, first, Tolerance.Exact,
            "Generate(prompt, 30, temperature: 1, topK: 5) twice with new Generator(7): draw every token with the generator you are given");
        Assert.That(other.ne(first).sum().item<long>(), Is.GreaterThan(0),
            "sampled tokens of the 60 where Generate with new Generator(8) differs from Generate with new Generator(7) (none: is the generator passed on to SampleNext?)");

        // Each token is drawn by SampleNext from the last position's logits: a loop doing just that on a generator of the same seed
        // draws the same tokens, at a temperature and a top-k where ignoring either, or scaling twice, draws others. Weights of
        // range 0.5 (drawn by the test: weights the constructor made zero would give equal logits) spread the logits, so that the temperature matters. On one prompt: the doc fixes how each token is drawn, not
        // the order of a batch's draws (every row at each step, or each row to its end), and with one row every order is the loop's.
        // 36 new tokens keep the context within n_ctx - 1 = 39, so the loop needs no cropping.
        var spread = new Transformer(config with { init_range = 0.5 });
        ByHand.Draw(spread, config, weights, scale: 0.5);
        spread.to(Device);
        var one = prompt[..1].clone(); // [1, 3]
        using var generator = new Generator(9, CPU);
        var sampled = spread.Generate(one.clone(), 36, temperature: 0.5, topK: 3, generator: generator);
        using var replay = new Generator(9, CPU);
        var expected = one;
        using (no_grad())
            for (int i = 0; i < 36; i++)
            {
                var next = Sampling.SampleNext(spread.call(expected.clone())[.., -1], 0.5, 3, replay); // [1]
                expected = cat([expected, next.to(expected.device).unsqueeze(1)], 1);
            }
        TensorAssert.Close(sampled, expected, Tolerance.Exact,
            "Generate(prompt [1, 3], 36, temperature: 0.5, topK: 3) vs a loop of Sampling.SampleNext(logits of the last position, 0.5, 3) on a " +
            "generator of the same seed: pass temperature and topK on to SampleNext, which alone scales the logits, and draw each token with the generator you are given");

        // One prompt is a batch of one: SampleNext gives [1] (squeeze(1) after multinomial, not squeeze()), Generate [1, pos + n].
        using var single = new Generator(10, CPU);
        TensorAssert.Shape(Sampling.SampleNext(seeded.Randn([1, 20]), 1.0, 5, single), [1], "Sampling.SampleNext(logits [1, 20], 1.0, topK: 5) of a batch of one row");
        TensorAssert.Shape(spread.Generate(prompt[..1].clone(), 4, temperature: 1.0, topK: 5, generator: single), [1, 7], "Generate(prompt [1, 3], 4) of one prompt");
    }

    /// <summary>
    /// Candidate prompts whose greedy continuation by <paramref name="model"/> (the reference, when recording) is stable:
    /// at every step the top logit beats the second by at least <see cref="MinimumGap"/>. Float32 on a GPU or with another
    /// summation order moves logits by about 1e-5, so only such prompts have an expected output every correct
    /// implementation reproduces exactly.
    /// </summary>
    static Tensor StablePrompts(Transformer model, Seeded seeded, long promptLength, long d_vocab)
    {
        var candidates = randint(0, d_vocab, [96, promptLength], ScalarType.Int64, CPU, generator: seeded.Generator).to(Device);
        using var noGrad = no_grad();
        var generated = model.Generate(candidates.clone(), GreedyNewTokens, temperature: 0); // [96, promptLength + 10]
        var logits = model.call(generated[.., ..^1].clone())[.., (int)(promptLength - 1)..]; // [96, 10, d_vocab]: the predictions of the new tokens
        var top2 = logits.topk(2, dim: -1).values; // [96, 10, 2]
        var gap = (top2[.., .., 0] - top2[.., .., 1]).min(1).values; // [96]
        var chosen = logits.argmax(-1).eq(generated[.., (int)promptLength..]).all().item<bool>();
        Assert.That(chosen, Is.True, "recording: the reference's greedy tokens are not the argmax of its logits");
        var stable = nonzero(gap >= MinimumGap).squeeze(1)[..16]; // at most 16
        Assert.That(stable.shape[0], Is.GreaterThanOrEqualTo(8), "recording: too few prompts with a wide top-2 gap; raise the weight scale");
        return candidates[stable].cpu(); // [<= 16, promptLength]
    }

    [Test, Points(3)]
    public void GreedyGenerate_MatchesTheReference_OnPromptsWithAClearWinnerAtEveryStep()
    {
        var config = new Config(d_model: 16, n_layers: 2, n_heads: 2, d_head: 6, d_mlp: 32, d_vocab: 13, n_ctx: 16);
        using var seeded = new Seeded(451);
        using var golden = Golden.Open("greedy_generation");
        var model = new Transformer(config);
        // Weights of scale 0.7 spread the logits, so that many prompts have a clear winner at every step.
        golden.LoadParameters(model, seeded, scale: 0.7);
        var prompts = golden.Input("prompts", () => StablePrompts(model, seeded, promptLength: 5, config.d_vocab));
        var promptCount = prompts.shape[0];

        var generated = model.Generate(prompts, GreedyNewTokens, temperature: 0);

        if (golden.Recording) golden.AssertClose("generated", generated, "Generate(prompts, greedy)");
        else
            TensorAssert.Close(generated, golden.Expected("generated"), Tolerance.Exact,
                $"Generate(prompts [{promptCount}, 5], {GreedyNewTokens}, temperature: 0): the prompt, then at each step the " +
                "argmax of the logits of the last position (each chosen token beats the runner-up by at least 0.05 here)");
    }

    [Test, Points(3)]
    public void Generate_BeyondN_ctx_FeedsOnlyTheLastN_ctxMinusOneTokens()
    {
        const int n_ctx = 8, newTokens = 4;
        var config = new Config(d_model: 16, n_layers: 2, n_heads: 2, d_head: 8, d_mlp: 32, d_vocab: 13, n_ctx: n_ctx, init_range: 0.5);
        var model = new Transformer(config);
        Dictionary<string, Tensor> drawn; // the test's weights, not the constructor's, as drawn: what the test computes from
        using (var weights = new Seeded(1452)) drawn = ByHand.Draw(model, config, weights, scale: 0.5);
        model.to(Device);
        using var seeded = new Seeded(452);
        // One prompt longer than n_ctx already, and one that grows through n_ctx - 1, n_ctx and past it.
        foreach (var promptLength in new[] { 12, 6 })
        {
            var prompt = seeded.Randint(0, 13, [6, promptLength]);
            var context0 = prompt[.., Math.Max(0, promptLength - (n_ctx - 1))..].clone(); // [6, <= n_ctx - 1]
            var byHand = ByHand.Logits(drawn, context0.clone());
            var contextLength = context0.shape[1];

            var generated = model.Generate(prompt.clone(), newTokens, temperature: 0);

            // The loop below runs your model: its logits must be the forward pass first, or a model whose argmax is constant passes.
            using (no_grad())
                TensorAssert.Close(model.call(context0.clone()), byHand, name:
                    $"Transformer.call(the last {contextLength} prompt tokens) vs the forward pass computed by hand from its parameters " +
                    "(embeddings, pre-LN blocks, ln_final, the unembedding): Generate is judged on the argmax of these logits");
            var expected = prompt;
            using (no_grad())
                for (int i = 0; i < newTokens; i++)
                {
                    var context = expected[.., (int)Math.Max(0, expected.shape[1] - (n_ctx - 1))..]; // [6, <= n_ctx - 1]
                    var next = model.call(context)[.., -1].argmax(-1); // [6]
                    expected = cat([expected, next.unsqueeze(1)], 1);
                }
            TensorAssert.Close(generated, expected, Tolerance.Exact,
                $"Generate(prompt [6, {promptLength}], {newTokens}, temperature: 0) with n_ctx = {n_ctx} vs a loop that feeds the model only the " +
                $"last n_ctx - 1 = {n_ctx - 1} tokens: crop the context before every step, also when it holds exactly n_ctx tokens (see the doc of Generate for why n_ctx - 1)");
        }
    }
}
