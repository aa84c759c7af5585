using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Hw4.Transformer;

/// <summary>The unembedding of GPT-2 (TransformerLens's <c>Unembed</c>), not tied to W_E: <c>logits = x W_U + b_U</c>.</summary>
public sealed class Unembed : Module<Tensor, Tensor>
{
    public readonly Parameter W_U; // [d_model, d_vocab]
    public readonly Parameter b_U; // [d_vocab]

    public Unembed(Config cfg) : base(nameof(Unembed))
    {
        W_U = nn.Parameter(normal(0, cfg.init_range, [cfg.d_model, cfg.d_vocab]));
        b_U = nn.Parameter(zeros(cfg.d_vocab));
        RegisterComponents();
    }

    /// <summary><c>x [batch, pos, d_model] → logits [batch, pos, d_vocab]</c>.</summary>
    public override Tensor forward(Tensor x)
    {
        return x.matmul(W_U) + b_U; // [batch, pos, d_vocab]
    }
}
