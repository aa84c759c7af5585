using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Hw4.Transformer;

/// <summary>
/// The position-wise feed-forward layer of "Attention Is All You Need" (Vaswani et al. 2017), section 3.3, with the
/// GELU of Hendrycks and Gimpel (2016) as in GPT: <c>out = GELU(x W_in + b_in) W_out + b_out</c>, where
/// GELU(u) = u Φ(u) is the exact (erf) form.
/// </summary>
public sealed class Mlp : Module<Tensor, Tensor>
{
    public readonly Parameter W_in; // [d_model, d_mlp]
    public readonly Parameter b_in; // [d_mlp]
    public readonly Parameter W_out; // [d_mlp, d_model]
    public readonly Parameter b_out; // [d_model]

    public Mlp(Config cfg) : base(nameof(Mlp))
    {
        W_in = nn.Parameter(normal(0, cfg.init_range, [cfg.d_model, cfg.d_mlp]));
        b_in = nn.Parameter(zeros(cfg.d_mlp));
        W_out = nn.Parameter(normal(0, cfg.init_range, [cfg.d_mlp, cfg.d_model]));
        b_out = nn.Parameter(zeros(cfg.d_model));
        RegisterComponents();
    }

    /// <summary><c>x [batch, pos, d_model] → [batch, pos, d_model]</c>.</summary>
    public override Tensor forward(Tensor x)
    {
        var hidden = nn.functional.relu(x.matmul(W_in) + b_in); // [batch, pos, d_mlp]  TODO: GELU?
        return hidden.matmul(W_out) + b_out; // [batch, pos, d_model]
    }
}
