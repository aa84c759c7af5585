using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Hw3.Attention;

/// <summary>
/// An attention-only decoder, as in "A Mathematical Framework for Transformer Circuits" (Elhage et al. 2021):
/// token and learned positional embeddings start the residual stream, each layer of multi-head attention adds
/// its output to it, and W_U reads logits off the end. No MLPs, no LayerNorm.
/// </summary>
public sealed class AttentionOnlyTransformer : Module<Tensor, Tensor>
{
    public readonly Parameter W_E; // [d_vocab, d_model]
    public readonly LearnedPositionalEmbedding pos_embed;
    public readonly ModuleList<MultiHeadAttention> blocks; // n_layers
    public readonly Parameter W_U; // [d_model, d_vocab]

    public AttentionOnlyTransformer(AttentionConfig cfg) : base(nameof(AttentionOnlyTransformer))
    {
        Config = cfg;
        W_E = nn.Parameter(normal(0, cfg.init_range, [cfg.d_vocab, cfg.d_model]));
        pos_embed = new LearnedPositionalEmbedding(cfg.n_ctx, cfg.d_model, cfg.init_range);
        blocks = nn.ModuleList(Enumerable.Range(0, (int)cfg.n_layers).Select(_ => new MultiHeadAttention(cfg)).ToArray());
        W_U = nn.Parameter(normal(0, cfg.init_range, [cfg.d_model, cfg.d_vocab]));
        RegisterComponents();
    }

    public AttentionConfig Config { get; }

    /// <summary><c>tokens [batch, pos] (int64) → logits [batch, pos, d_vocab]</c>; logits[b, p] predict token p + 1.</summary>
    public override Tensor forward(Tensor tokens)
    {
        var residual = W_E[tokens] + pos_embed.call(tokens); // [batch, pos, d_model]
        foreach (var block in blocks)
            residual = block.call(residual); // [batch, pos, d_model]
        return residual.matmul(W_U); // [batch, pos, d_vocab]
    }
}
