using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Course.Lens;

/// <summary>
/// The MLP <c>GELU(x W_in + b_in) W_out + b_out</c> (exact GELU), with <c>hook_pre</c> (before the GELU) and
/// <c>hook_post</c> (after it), both <c>[batch, pos, d_mlp]</c>.
/// </summary>
public sealed class MlpHooked : Module<Tensor, Tensor>
{
    public readonly Parameter W_in; // [d_model, d_mlp]
    public readonly Parameter b_in; // [d_mlp]
    public readonly Parameter W_out; // [d_mlp, d_model]
    public readonly Parameter b_out; // [d_model]
    public readonly HookPoint hook_pre, hook_post;

    public MlpHooked(HookedTransformerConfig cfg, string prefix) : base(nameof(MlpHooked))
    {
        W_in = Parameter(normal(0, cfg.init_range, [cfg.d_model, cfg.d_mlp]));
        b_in = Parameter(zeros(cfg.d_mlp));
        W_out = Parameter(normal(0, cfg.init_range, [cfg.d_mlp, cfg.d_model]));
        b_out = Parameter(zeros(cfg.d_model));
        (hook_pre, hook_post) = (new(prefix + "hook_pre"), new(prefix + "hook_post"));
        RegisterComponents();
    }

    public IEnumerable<HookPoint> HookPoints => [hook_pre, hook_post];

    /// <summary><c>x [batch, pos, d_model] → [batch, pos, d_model]</c>.</summary>
    public override Tensor forward(Tensor x)
    {
        var pre = hook_pre.Call(x.matmul(W_in) + b_in); // [batch, pos, d_mlp]
        var post = hook_post.Call(functional.gelu(pre)); // [batch, pos, d_mlp]
        return post.matmul(W_out) + b_out; // [batch, pos, d_model]
    }
}
