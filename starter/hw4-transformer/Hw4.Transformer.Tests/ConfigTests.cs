using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.Tests;

public sealed class ConfigTests : TorchTest
{
    // The last two cases have d_head != d_model / n_heads: the two sizes are independent.
    [TestCase(8, 1, 2, 4, 32, 7, 5), TestCase(12, 2, 3, 5, 20, 10, 9), TestCase(6, 3, 1, 7, 10, 13, 4), Points(3)]
    public void ParameterCount_EqualsTheNumberOfNumbersInTheModel(
        long d_model, long n_layers, long n_heads, long d_head, long d_mlp, long d_vocab, long n_ctx)
    {
        var cfg = new Config(d_model: d_model, n_layers: n_layers, n_heads: n_heads, d_head: d_head, d_mlp: d_mlp, d_vocab: d_vocab, n_ctx: n_ctx);
        var model = new Transformer(cfg);
        long counted = model.named_parameters().Sum(p => p.parameter.numel());

        Assert.That(cfg.ParameterCount(), Is.EqualTo(counted),
            $"{cfg}.ParameterCount() against the sum of numel() over new Transformer(cfg).named_parameters(). " +
            "Count every parameter of every block (ln1, attention W_Q/W_K/W_V/W_O and b_Q/b_K/b_V/b_O, ln2, MLP), " +
            "ln_final, and both W_E and W_U plus b_U; the attention weights are n_heads x d_model x d_head, and d_head need not be d_model / n_heads.");
    }

    [Test, Points(2)]
    public void ParameterCount_OfGpt2Small_Is163087441()
    {
        // Hugging Face's GPT-2 small has 124,439,808 parameters, with the unembedding tied to W_E (it reuses W_E^T and has
        // no bias). Our model does not tie them: the separate W_U adds 768 * 50257 = 38,597,376 and b_U adds 50,257, so
        // 124,439,808 + 38,597,376 + 50,257 = 163,087,441. Counted from the sizes alone: GPT-2 small is never instantiated.
        Assert.That(Config.Gpt2Small.ParameterCount(), Is.EqualTo(163_087_441L),
            "Config.Gpt2Small.ParameterCount(): GPT-2 small's 124,439,808 (tied unembedding) plus an untied W_U [768, 50257] and b_U [50257]. " +
            "Off by a little? Check the biases (b_Q/b_K/b_V are [n_heads, d_head], b_O is [d_model]) and the two LayerNorms per block plus ln_final.");
    }
}
