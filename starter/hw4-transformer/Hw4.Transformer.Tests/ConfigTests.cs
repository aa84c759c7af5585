using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.Tests;

public sealed class ConfigTests : TorchTest
{
    /// <summary>
    /// cfg.ParameterCount(), which must make no tensor: the count comes from the sizes alone, never from building the model
    /// (or any module of it) and summing numel() over its parameters.
    /// </summary>
    static long CountedFromTheSizes(Config cfg)
    {
        static long Created() => DisposeScopeManager.Statistics.CreatedInScopeCount + DisposeScopeManager.Statistics.CreatedOutsideScopeCount;
        long before = Created();
        long count = cfg.ParameterCount();
        long made = Created() - before;
        Assert.That(made, Is.Zero,
            $"{cfg}.ParameterCount() made {made} tensors: count from the sizes alone (products and sums of d_model, n_heads, d_head, ...), " +
            "without building the Transformer or any of its modules");
        return count;
    }

    // The last two cases have d_head != d_model / n_heads: the two sizes are independent. The expected count of each case is
    // worked out by hand from the sizes (the sum of numel() over the parameters of Transformer's doc comment), not by
    // counting a model built in the test.
    [TestCase(8, 1, 2, 4, 32, 7, 5, 1047), TestCase(12, 2, 3, 5, 20, 10, 9, 3056), TestCase(6, 3, 1, 7, 10, 13, 4, 1270), Points(3)]
    public void ParameterCount_EqualsTheNumberOfNumbersInTheModel(
        long d_model, long n_layers, long n_heads, long d_head, long d_mlp, long d_vocab, long n_ctx, long expected)
    {
        var cfg = new Config(d_model: d_model, n_layers: n_layers, n_heads: n_heads, d_head: d_head, d_mlp: d_mlp, d_vocab: d_vocab, n_ctx: n_ctx);

        Assert.That(CountedFromTheSizes(cfg), Is.EqualTo(expected),
            $"{cfg}.ParameterCount() against the {expected} numbers of its Transformer's parameters. " +
            "Count every parameter of every block (ln1, attention W_Q/W_K/W_V/W_O and b_Q/b_K/b_V/b_O, ln2, MLP), " +
            "ln_final, and both W_E and W_U plus b_U; the attention weights are n_heads x d_model x d_head, and d_head need not be d_model / n_heads.");
    }

    [Test, Points(1)]
    public void ParameterCount_OfGpt2Small_Is163087441()
    {
        // Hugging Face's GPT-2 small has 124,439,808 parameters, with the unembedding tied to W_E (it reuses W_E^T and has
        // no bias). Our model does not tie them: the separate W_U adds 768 * 50257 = 38,597,376 and b_U adds 50,257, so
        // 124,439,808 + 38,597,376 + 50,257 = 163,087,441. Counted from the sizes alone: GPT-2 small is never instantiated.
        Assert.That(CountedFromTheSizes(Config.Gpt2Small), Is.EqualTo(163_087_441L),
            "Config.Gpt2Small.ParameterCount(): GPT-2 small's 124,439,808 (tied unembedding) plus an untied W_U [768, 50257] and b_U [50257]. " +
            "Off by a little? Check the biases (b_Q/b_K/b_V are [n_heads, d_head], b_O is [d_model]) and the two LayerNorms per block plus ln_final.");
    }
}
