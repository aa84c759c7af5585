using Course.Testing;
using NUnit.Framework;

namespace Hw4.Transformer.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenConfigTests : TorchTest
{
    /// <summary>The shape of every parameter of a Transformer of these sizes, as Transformer's doc comment lists them.</summary>
    static IEnumerable<long[]> ParameterShapes(Config c)
    {
        yield return [c.d_vocab, c.d_model]; // W_E
        yield return [c.n_ctx, c.d_model]; // W_pos
        for (long layer = 0; layer < c.n_layers; layer++)
        {
            yield return [c.d_model]; // ln1.w
            yield return [c.d_model]; // ln1.b
            foreach (var _ in "QKV") yield return [c.n_heads, c.d_model, c.d_head]; // W_Q, W_K, W_V
            foreach (var _ in "QKV") yield return [c.n_heads, c.d_head]; // b_Q, b_K, b_V
            yield return [c.n_heads, c.d_head, c.d_model]; // W_O
            yield return [c.d_model]; // b_O
            yield return [c.d_model]; // ln2.w
            yield return [c.d_model]; // ln2.b
            yield return [c.d_model, c.d_mlp]; // W_in
            yield return [c.d_mlp]; // b_in
            yield return [c.d_mlp, c.d_model]; // W_out
            yield return [c.d_model]; // b_out
        }
        yield return [c.d_model]; // ln_final.w
        yield return [c.d_model]; // ln_final.b
        yield return [c.d_model, c.d_vocab]; // W_U
        yield return [c.d_vocab]; // b_U
    }

    // Sizes the public tests do not use: three and four layers, heads of width 1 and 2, one head as wide as d_model.
    [TestCase(10, 3, 5, 2, 16, 17, 11), TestCase(5, 4, 2, 1, 7, 3, 6), TestCase(16, 1, 1, 16, 64, 100, 33), Points(1)]
    public void ParameterCount_OnSizesTheVisibleTestsDoNotUse_EqualsTheSumOfTheParametersShapes(
        long d_model, long n_layers, long n_heads, long d_head, long d_mlp, long d_vocab, long n_ctx)
    {
        var cfg = new Config(d_model: d_model, n_layers: n_layers, n_heads: n_heads, d_head: d_head, d_mlp: d_mlp, d_vocab: d_vocab, n_ctx: n_ctx);
        long expected = ParameterShapes(cfg).Sum(shape => shape.Aggregate(1L, (product, size) => product * size));

        Assert.That(cfg.ParameterCount(), Is.EqualTo(expected),
            $"{cfg}.ParameterCount() against the {expected} numbers of its Transformer's parameters: count from the sizes, " +
            "for any sizes (every block's LayerNorms, attention weights and biases and MLP, then ln_final, W_E, W_pos, W_U and b_U)");
    }
}
