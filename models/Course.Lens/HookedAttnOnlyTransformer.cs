using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Course.Lens;

/// <summary>
/// An attention-only transformer with TransformerLens's hook points (<c>attn_only</c> in its config): token and learned
/// positional embeddings start the residual stream, each layer of multi-head attention (<see cref="AttnOnlyBlockHooked"/>)
/// adds its output to it, and <c>W_U</c> reads the logits off its end. No MLPs, no LayerNorm and no unembedding bias, so
/// every path through it is a product of its weight matrices, which is what reading circuits from weights needs
/// (Elhage et al. 2021). Parameters under TransformerLens's names: <c>embed.W_E</c>, <c>pos_embed.W_pos</c>,
/// <c>blocks.{l}.attn.W_Q</c>, ..., <c>unembed.W_U</c>.
/// </summary>
public sealed class HookedAttnOnlyTransformer : HookedRootModule
{
    public readonly Parameter W_E; // [d_vocab, d_model]
    public readonly Parameter W_pos; // [n_ctx, d_model]
    public readonly ModuleList<AttnOnlyBlockHooked> blocks; // n_layers

    /// <summary>
    /// The blocks the model was made with, which its forward pass runs, and only while <see cref="blocks"/> holds them
    /// (<see cref="HookedRootModule.MadeWith"/>).
    /// </summary>
    readonly AttnOnlyBlockHooked[] layers;
    public readonly Parameter W_U; // [d_model, d_vocab]

    public HookedAttnOnlyTransformer(HookedTransformerConfig cfg) : base(nameof(HookedAttnOnlyTransformer))
    {
        if (!cfg.attn_only) throw new ArgumentException("the config must say attn_only", nameof(cfg));
        Config = cfg;
        W_E = Parameter(normal(0, cfg.init_range, [cfg.d_vocab, cfg.d_model]));
        W_pos = Parameter(normal(0, cfg.init_range, [cfg.n_ctx, cfg.d_model]));
        blocks = ModuleList(Enumerable.Range(0, (int)cfg.n_layers).Select(l => new AttnOnlyBlockHooked(cfg, l)).ToArray());
        W_U = Parameter(normal(0, cfg.init_range, [cfg.d_model, cfg.d_vocab]));
        RegisterComponents();
        layers = [.. blocks]; // after RegisterComponents, which registers what the fields hold: the blocks once, as blocks.{l}
        Setup(layers.SelectMany(b => b.HookPoints));
    }

    public HookedTransformerConfig Config { get; }

    /// <summary><c>tokens [batch, pos] (int64, pos &lt;= n_ctx) → logits [batch, pos, d_vocab]</c>; logits[b, p] predict token p + 1.</summary>
    public override Tensor forward(Tensor tokens) => Pass(() =>
    {
        var resid_final = MadeWith(layers, blocks).Aggregate(EmbedTokens(tokens, W_E, W_pos), (resid_pre, block) => block.call(resid_pre)); // [batch, pos, d_model]
        return resid_final.matmul(W_U); // [batch, pos, d_vocab]
    });
}
