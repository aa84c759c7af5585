using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Hw4.Transformer;

/// <summary>The learned positional embedding of GPT-2 (TransformerLens's <c>PosEmbed</c>): row p of W_pos is added at position p.</summary>
public sealed class PosEmbed : Module<Tensor, Tensor>
{
    public readonly Parameter W_pos; // [n_ctx, d_model]

    public PosEmbed(Config cfg) : base(nameof(PosEmbed))
    {
        W_pos = nn.Parameter(normal(0, cfg.init_range, [cfg.n_ctx, cfg.d_model]));
        RegisterComponents();
    }

    /// <summary><c>tokens [batch, pos] → [batch, pos, d_model]</c>: only the shape of the tokens is used.</summary>
    public override Tensor forward(Tensor tokens)
    {
        long batch = tokens.shape[0], pos = tokens.shape[1];
        return W_pos[TensorIndex.Slice(0, pos)].unsqueeze(0).expand(batch, -1, -1); // [batch, pos, d_model]
    }
}
