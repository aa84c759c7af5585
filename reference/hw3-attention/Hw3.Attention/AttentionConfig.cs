namespace Hw3.Attention;

/// <summary>
/// Sizes of the attention layers and of the attention-only transformer, with TransformerLens names.
/// The defaults are a small model that trains in seconds on a CPU.
/// </summary>
/// <param name="d_model">Width of the residual stream.</param>
/// <param name="n_heads">Attention heads per layer.</param>
/// <param name="d_head">Width of one head's queries, keys and values; often d_model / n_heads, but need not be.</param>
/// <param name="n_ctx">Longest sequence the model accepts: the number of rows of the positional embedding.</param>
/// <param name="d_vocab">Number of token ids (used by <see cref="AttentionOnlyTransformer"/> only).</param>
/// <param name="n_layers">Attention layers in <see cref="AttentionOnlyTransformer"/>.</param>
/// <param name="init_range">Standard deviation of the normal initialisation of the weights; biases start at zero.</param>
public sealed record AttentionConfig(
    long d_model = 64,
    long n_heads = 4,
    long d_head = 16,
    long n_ctx = 128,
    long d_vocab = 64,
    long n_layers = 2,
    double init_range = 0.02);
