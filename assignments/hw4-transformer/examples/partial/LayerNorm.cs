using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Hw4.Transformer;

/// <summary>
/// Layer normalisation, "Layer Normalization" (Ba, Kiros and Hinton 2016), over the last dimension as in GPT-2:
/// <c>y = (x - mean(x)) / sqrt(var(x) + eps) * w + b</c>, with the biased variance (divide by d_model, not d_model - 1)
/// and eps inside the square root, as <c>torch.nn.LayerNorm</c> does.
/// </summary>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    public readonly Parameter w; // [d_model], starts at 1
    public readonly Parameter b; // [d_model], starts at 0
    readonly double eps;

    public LayerNorm(long d_model, double eps) : base(nameof(LayerNorm))
    {
        w = nn.Parameter(ones(d_model));
        b = nn.Parameter(zeros(d_model));
        this.eps = eps;
        RegisterComponents();
    }

    public LayerNorm(Config cfg) : this(cfg.d_model, cfg.layer_norm_eps) { }

    /// <summary><c>x [..., d_model] → [..., d_model]</c>, each vector normalised on its own.</summary>
    public override Tensor forward(Tensor x)
    {
        var centred = x - x.mean([-1], keepdim: true); // [..., d_model]
        var variance = centred.pow(2).mean([-1], keepdim: true); // [..., 1]
        return centred / (variance.sqrt() + eps) * w + b; // [..., d_model]
    }
}
