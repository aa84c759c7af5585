using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Course.Lens;

/// <summary>
/// A block of an attention-only transformer (Elhage et al. 2021, "A Mathematical Framework for Transformer Circuits"):
/// attention reads the residual stream as it is, with no LayerNorm, and adds its output to it, so
/// <c>resid_post = resid_pre + attn_out</c>. Hook points <c>hook_resid_pre</c>, <c>hook_attn_out</c> and
/// <c>hook_resid_post</c>, all <c>[batch, pos, d_model]</c>, and the attention's own (<see cref="AttentionHooked"/>).
/// </summary>
public sealed class AttnOnlyBlockHooked : Module<Tensor, Tensor>
{
    public readonly AttentionHooked attn;
    public readonly HookPoint hook_resid_pre, hook_attn_out, hook_resid_post;

    public AttnOnlyBlockHooked(HookedTransformerConfig cfg, int layer) : base(nameof(AttnOnlyBlockHooked))
    {
        var prefix = $"blocks.{layer}.";
        attn = new AttentionHooked(cfg, prefix + "attn.");
        (hook_resid_pre, hook_attn_out, hook_resid_post) = (new(prefix + "hook_resid_pre"), new(prefix + "hook_attn_out"), new(prefix + "hook_resid_post"));
        RegisterComponents();
    }

    /// <summary>This block's hook points in the order the forward pass reaches them.</summary>
    public IEnumerable<HookPoint> HookPoints => [hook_resid_pre, .. attn.HookPoints, hook_attn_out, hook_resid_post];

    /// <summary><c>resid_pre [batch, pos, d_model] → resid_post [batch, pos, d_model]</c>.</summary>
    public override Tensor forward(Tensor resid_pre)
    {
        resid_pre = hook_resid_pre.Call(resid_pre);
        return hook_resid_post.Call(resid_pre + hook_attn_out.Call(attn.call(resid_pre))); // [batch, pos, d_model]
    }
}
