using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Course.Lens;

/// <summary>
/// hw4's GPT with TransformerLens's hook points (Nanda and Bloom 2022, TransformerLens): the same parameters under the
/// same names (<c>embed.W_E</c>, <c>pos_embed.W_pos</c>, <c>blocks.{l}.attn.W_Q</c>, ..., <c>unembed.W_U</c>) and the
/// same arithmetic, so it gives a checkpoint's logits bit for bit, and a <see cref="HookPoint"/> at every activation an
/// interpretability method reads: <c>hook_embed</c>, <c>hook_pos_embed</c>, each block's
/// (<see cref="TransformerBlockHooked"/>, <see cref="AttentionHooked"/>, <see cref="MlpHooked"/>,
/// <see cref="LayerNormHooked"/>), and <c>ln_final.hook_scale</c> and <c>ln_final.hook_normalized</c>.
/// </summary>
public sealed class HookedTransformer : HookedRootModule
{
    public readonly Parameter W_E; // [d_vocab, d_model]
    public readonly Parameter W_pos; // [n_ctx, d_model]
    public readonly ModuleList<TransformerBlockHooked> blocks; // n_layers

    /// <summary>
    /// The blocks the model was made with, which its forward pass runs, and only while <see cref="blocks"/> holds them
    /// (<see cref="HookedRootModule.MadeWith"/>).
    /// </summary>
    readonly TransformerBlockHooked[] layers;
    public readonly LayerNormHooked ln_final;
    public readonly Parameter W_U; // [d_model, d_vocab]
    public readonly Parameter b_U; // [d_vocab]

    public HookedTransformer(HookedTransformerConfig cfg) : base(nameof(HookedTransformer))
    {
        Config = cfg;
        W_E = Parameter(normal(0, cfg.init_range, [cfg.d_vocab, cfg.d_model]));
        W_pos = Parameter(normal(0, cfg.init_range, [cfg.n_ctx, cfg.d_model]));
        blocks = ModuleList(Enumerable.Range(0, (int)cfg.n_layers).Select(l => new TransformerBlockHooked(cfg, l)).ToArray());
        ln_final = new LayerNormHooked(cfg, "ln_final.");
        W_U = Parameter(normal(0, cfg.init_range, [cfg.d_model, cfg.d_vocab]));
        b_U = Parameter(zeros(cfg.d_vocab));
        RegisterComponents();
        layers = [.. blocks]; // after RegisterComponents, which registers what the fields hold: the blocks once, as blocks.{l}
        Setup(layers.SelectMany(b => b.HookPoints), alsoAlone: ln_final.HookPoints);
    }

    public HookedTransformerConfig Config { get; }

    /// <summary><c>tokens [batch, pos] (int64, pos &lt;= n_ctx) → logits [batch, pos, d_vocab]</c>; logits[b, p] predict token p + 1.</summary>
    public override Tensor forward(Tensor tokens) => Pass(() =>
    {
        var residual = MadeWith(layers, blocks).Aggregate(EmbedTokens(tokens, W_E, W_pos), (resid_pre, block) => block.call(resid_pre)); // [batch, pos, d_model]
        return Unembed(residual);
    });

    /// <summary>
    /// <c>tokens [batch, pos] → logits [batch, pos, d_vocab]</c> for the tokens after the <c>cache.Length</c> cached ones
    /// (TransformerLens's <c>past_kv_cache</c>): the logits a forward pass over the whole sequence gives at these
    /// positions, up to float rounding, from one position's work per token. Their keys and values join the cache.
    /// </summary>
    public Tensor forward(Tensor tokens, KeyValueCache cache) => Pass(() =>
    {
        var residual = EmbedTokens(tokens, W_E, W_pos, cache.Length); // [batch, pos, d_model]
        var made = MadeWith(layers, blocks);
        for (int layer = 0; layer < made.Count; layer++) residual = made[layer].forward(residual, cache[layer]);
        return Unembed(residual);
    });

    /// <summary><c>residual [batch, pos, d_model] → logits [batch, pos, d_vocab]</c>, through <c>ln_final</c>.</summary>
    Tensor Unembed(Tensor residual) => ln_final.call(residual).matmul(W_U) + b_U;
}
