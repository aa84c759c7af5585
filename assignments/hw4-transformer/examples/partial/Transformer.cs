using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Hw4.Transformer;

/// <summary>
/// A GPT-2 style decoder-only transformer, "Language Models are Unsupervised Multitask Learners" (Radford et al. 2019):
/// token plus learned positional embeddings start the residual stream, n_layers pre-LayerNorm blocks add to it, and a
/// final LayerNorm and the unembedding read the next-token logits off the end.
/// <para>
/// Parameter names follow TransformerLens, so a state dict loads across implementations:
/// <c>embed.W_E</c>, <c>pos_embed.W_pos</c>, <c>blocks.{i}.ln1.w</c>/<c>.b</c>, <c>blocks.{i}.attn.W_Q</c>/<c>W_K</c>/<c>W_V</c>/<c>W_O</c>/<c>b_Q</c>/<c>b_K</c>/<c>b_V</c>/<c>b_O</c>,
/// <c>blocks.{i}.ln2.w</c>/<c>.b</c>, <c>blocks.{i}.mlp.W_in</c>/<c>b_in</c>/<c>W_out</c>/<c>b_out</c>, <c>ln_final.w</c>/<c>.b</c>, <c>unembed.W_U</c>/<c>b_U</c>.
/// </para>
/// </summary>
public sealed partial class Transformer : Module<Tensor, Tensor>
{
    public readonly Embed embed;
    public readonly PosEmbed pos_embed;
    public readonly ModuleList<TransformerBlock> blocks; // n_layers
    public readonly LayerNorm ln_final;
    public readonly Unembed unembed;

    public Transformer(Config cfg) : base(nameof(Transformer))
    {
        Config = cfg;
        embed = new Embed(cfg);
        pos_embed = new PosEmbed(cfg);
        blocks = nn.ModuleList(Enumerable.Range(0, (int)cfg.n_layers).Select(_ => new TransformerBlock(cfg)).ToArray());
        ln_final = new LayerNorm(cfg);
        unembed = new Unembed(cfg);
        RegisterComponents();
    }

    public Config Config { get; }

    /// <summary><c>tokens [batch, pos] (int64, pos &lt;= n_ctx) → logits [batch, pos, d_vocab]</c>; logits[b, p] predict token p + 1.</summary>
    public override Tensor forward(Tensor tokens)
    {
        if (tokens.dim() != 2 || tokens.shape[1] > Config.n_ctx)
            throw new ArgumentException($"tokens must be [batch, pos] with pos <= n_ctx = {Config.n_ctx}, got [{string.Join(", ", tokens.shape)}]", nameof(tokens));
        var residual = embed.call(tokens) + pos_embed.call(tokens); // [batch, pos, d_model]
        foreach (var block in blocks)
            residual = block.call(residual); // [batch, pos, d_model]
        return unembed.call(residual); // [batch, pos, d_vocab]
    }
}
