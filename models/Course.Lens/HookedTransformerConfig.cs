namespace Course.Lens;

/// <summary>
/// Sizes of the hooked model, with the names of TransformerLens's <c>HookedTransformerConfig</c> and of hw4's
/// <c>Config</c>, whose JSON a checkpoint's metadata holds. <c>attn_only</c> models
/// (<see cref="HookedAttnOnlyTransformer"/>) have no MLPs and no LayerNorm, so <c>d_mlp</c> and <c>layer_norm_eps</c> do not apply to them.
/// </summary>
public sealed record HookedTransformerConfig(
    long d_model = 64,
    long n_layers = 2,
    long n_heads = 4,
    long d_head = 16,
    long d_mlp = 256,
    long d_vocab = 26,
    long n_ctx = 64,
    double layer_norm_eps = 1e-5,
    double init_range = 0.02,
    bool attn_only = false);
