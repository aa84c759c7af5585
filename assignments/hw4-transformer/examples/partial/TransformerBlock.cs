using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Hw4.Transformer;

/// <summary>
/// One pre-LayerNorm decoder block of GPT-2 (Radford et al. 2019, section 2.3), which moved LayerNorm to the input of
/// each sub-block: attention and then the MLP each read a normalised copy of the residual stream and add their output to it.
/// </summary>
public sealed class TransformerBlock : Module<Tensor, Tensor>
{
    public readonly LayerNorm ln1;
    public readonly MultiHeadAttention attn;
    public readonly LayerNorm ln2;
    public readonly Mlp mlp;

    public TransformerBlock(Config cfg) : base(nameof(TransformerBlock))
    {
        ln1 = new LayerNorm(cfg);
        attn = new MultiHeadAttention(cfg);
        ln2 = new LayerNorm(cfg);
        mlp = new Mlp(cfg);
        RegisterComponents();
    }

    /// <summary><c>resid_pre [batch, pos, d_model] → resid_post [batch, pos, d_model]</c>.</summary>
    public override Tensor forward(Tensor resid_pre)
    {
        var resid_mid = resid_pre + attn.call(ln1.call(resid_pre)); // [batch, pos, d_model]
        return resid_mid + mlp.call(ln2.call(resid_mid)); // [batch, pos, d_model]
    }
}
