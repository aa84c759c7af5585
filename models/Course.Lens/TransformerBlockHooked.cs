using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Course.Lens;

/// <summary>
/// A pre-LayerNorm block with the residual stream's hook points: <c>hook_resid_pre</c>, <c>hook_attn_out</c>,
/// <c>hook_resid_mid</c>, <c>hook_mlp_out</c> and <c>hook_resid_post</c>, all <c>[batch, pos, d_model]</c>, so that
/// <c>resid_mid = resid_pre + attn_out</c> and <c>resid_post = resid_mid + mlp_out</c>.
/// </summary>
public sealed class TransformerBlockHooked : Module<Tensor, Tensor>
{
    public readonly LayerNormHooked ln1;
    public readonly AttentionHooked attn;
    public readonly LayerNormHooked ln2;
    public readonly MlpHooked mlp;
    public readonly HookPoint hook_resid_pre, hook_attn_out, hook_resid_mid, hook_mlp_out, hook_resid_post;

    public TransformerBlockHooked(HookedTransformerConfig cfg, int layer) : base(nameof(TransformerBlockHooked))
    {
        var prefix = $"blocks.{layer}.";
        ln1 = new LayerNormHooked(cfg, prefix + "ln1.");
        attn = new AttentionHooked(cfg, prefix + "attn.");
        ln2 = new LayerNormHooked(cfg, prefix + "ln2.");
        mlp = new MlpHooked(cfg, prefix + "mlp.");
        (hook_resid_pre, hook_attn_out, hook_resid_mid) = (new(prefix + "hook_resid_pre"), new(prefix + "hook_attn_out"), new(prefix + "hook_resid_mid"));
        (hook_mlp_out, hook_resid_post) = (new(prefix + "hook_mlp_out"), new(prefix + "hook_resid_post"));
        RegisterComponents();
    }

    /// <summary>This block's hook points in the order the forward pass reaches them.</summary>
    public IEnumerable<HookPoint> HookPoints =>
        [hook_resid_pre, .. ln1.HookPoints, .. attn.HookPoints, hook_attn_out, hook_resid_mid, .. ln2.HookPoints, .. mlp.HookPoints, hook_mlp_out, hook_resid_post];

    /// <summary><c>resid_pre [batch, pos, d_model] → resid_post [batch, pos, d_model]</c>.</summary>
    public override Tensor forward(Tensor resid_pre) => forward(resid_pre, null);

    /// <summary>The same, for the positions after the <paramref name="cache"/>d ones (<see cref="AttentionHooked.forward(Tensor, KeyValueCacheEntry?)"/>).</summary>
    public Tensor forward(Tensor resid_pre, KeyValueCacheEntry? cache)
    {
        resid_pre = hook_resid_pre.Call(resid_pre);
        var attn_out = cache is null ? attn.call(ln1.call(resid_pre)) : attn.forward(ln1.call(resid_pre), cache); // [batch, pos, d_model]
        var resid_mid = hook_resid_mid.Call(resid_pre + hook_attn_out.Call(attn_out)); // [batch, pos, d_model]
        return hook_resid_post.Call(resid_mid + hook_mlp_out.Call(mlp.call(ln2.call(resid_mid)))); // [batch, pos, d_model]
    }
}
