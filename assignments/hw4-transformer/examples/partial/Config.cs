namespace Hw4.Transformer;

/// <summary>
/// Sizes of a GPT-2 style decoder, with the names of TransformerLens's <c>HookedTransformerConfig</c>.
/// The defaults are the small character-level model of this homework, which trains in seconds on a CPU
/// (<see cref="TinyGpt"/>); <see cref="Gpt2Small"/> is GPT-2 small (Radford et al. 2019) for comparison.
/// </summary>
/// <param name="d_model">Width of the residual stream.</param>
/// <param name="n_layers">Number of transformer blocks.</param>
/// <param name="n_heads">Attention heads per block.</param>
/// <param name="d_head">Width of one head's queries, keys and values (need not be d_model / n_heads).</param>
/// <param name="d_mlp">Width of the MLP's hidden layer, usually 4 d_model.</param>
/// <param name="d_vocab">Number of token ids.</param>
/// <param name="n_ctx">Longest sequence the model accepts: the number of rows of the positional embedding.</param>
/// <param name="layer_norm_eps">The epsilon added to the variance inside LayerNorm's square root.</param>
/// <param name="init_range">Standard deviation of the normal initialisation of the weights; biases start at 0, LayerNorm scales at 1.</param>
public sealed record Config(
    long d_model = 64,
    long n_layers = 2,
    long n_heads = 4,
    long d_head = 16,
    long d_mlp = 256,
    long d_vocab = 32,
    long n_ctx = 64,
    double layer_norm_eps = 1e-5,
    double init_range = 0.02)
{
    /// <summary>GPT-2 small: 12 layers of 12 heads, d_model 768, a 50257-token vocabulary and 1024 positions.</summary>
    public static Config Gpt2Small { get; } = new(d_model: 768, n_layers: 12, n_heads: 12, d_head: 64, d_mlp: 3072, d_vocab: 50257, n_ctx: 1024);

    /// <summary>The character-level model of this homework for a vocabulary of <paramref name="d_vocab"/> characters.</summary>
    public static Config TinyGpt(long d_vocab) => new(d_vocab: d_vocab);

    /// <summary>
    /// How many numbers a <see cref="Transformer"/> of this config holds, counted from the sizes alone: the sum of
    /// <c>numel()</c> over its parameters, with the embedding and the unembedding counted separately (they are not tied).
    /// </summary>
    public long ParameterCount()
    {
        long layerNorm = 2 * d_model; // w, b
        long attention = 4 * n_heads * d_model * d_head + 3 * n_heads * d_head + d_model; // W_Q/K/V/O, b_Q/K/V, b_O
        long mlp = d_model * d_mlp + d_mlp + d_mlp * d_model + d_model; // W_in, b_in, W_out, b_out
        long block = layerNorm + attention + layerNorm + mlp;
        return d_vocab * d_model + n_ctx * d_model + n_layers * block + layerNorm + d_model * d_vocab; // + unembed
    }
}
