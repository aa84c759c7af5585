using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Hw4.Transformer;

/// <summary>The token embedding of GPT-2 (TransformerLens's <c>Embed</c>): row t of W_E is the vector of token t.</summary>
public sealed class Embed : Module<Tensor, Tensor>
{
    public readonly Parameter W_E; // [d_vocab, d_model]

    public Embed(Config cfg) : base(nameof(Embed))
    {
        W_E = nn.Parameter(normal(0, cfg.init_range, [cfg.d_vocab, cfg.d_model]));
        RegisterComponents();
    }

    /// <summary><c>tokens [batch, pos] (int64) → [batch, pos, d_model]</c>.</summary>
    public override Tensor forward(Tensor tokens)
    {
        return W_E[tokens]; // [batch, pos, d_model]
    }
}
