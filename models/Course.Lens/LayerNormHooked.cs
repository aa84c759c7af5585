using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Course.Lens;

/// <summary>
/// LayerNorm (Ba, Kiros and Hinton 2016) over the last dimension, with the biased variance and eps inside the square root,
/// and TransformerLens's two hook points: <c>hook_scale</c>, the divisor <c>sqrt(var(x) + eps)</c> <c>[batch, pos, 1]</c>,
/// and <c>hook_normalized</c>, <c>(x - mean(x)) / scale</c> before <c>w</c> and <c>b</c> <c>[batch, pos, d_model]</c>.
/// Freezing the scale (a hook that returns a cached one) makes it an affine map, which is what direct logit attribution needs.
/// </summary>
public sealed class LayerNormHooked : Module<Tensor, Tensor>
{
    public readonly Parameter w; // [d_model]
    public readonly Parameter b; // [d_model]
    public readonly HookPoint hook_scale;
    public readonly HookPoint hook_normalized;
    readonly double eps;

    public LayerNormHooked(HookedTransformerConfig cfg, string prefix) : base(nameof(LayerNormHooked))
    {
        w = Parameter(ones(cfg.d_model));
        b = Parameter(zeros(cfg.d_model));
        eps = cfg.layer_norm_eps;
        hook_scale = new HookPoint(prefix + "hook_scale");
        hook_normalized = new HookPoint(prefix + "hook_normalized");
        RegisterComponents();
    }

    public IEnumerable<HookPoint> HookPoints => [hook_scale, hook_normalized];

    /// <summary><c>x [batch, pos, d_model] → [batch, pos, d_model]</c>.</summary>
    public override Tensor forward(Tensor x)
    {
        var centred = x - x.mean([-1], keepdim: true); // [batch, pos, d_model]
        var scale = hook_scale.Call((centred.pow(2).mean([-1], keepdim: true) + eps).sqrt()); // [batch, pos, 1]
        var normalized = hook_normalized.Call(centred / scale); // [batch, pos, d_model]
        return normalized * w + b;
    }
}
