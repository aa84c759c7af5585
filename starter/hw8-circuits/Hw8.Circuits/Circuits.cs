using Course.Lens;
using static TorchSharp.torch;

namespace Hw8.Circuits;

/// <summary>
/// The circuits of one attention head, read from the weights of an attention-only model (Elhage et al. 2021, "A
/// Mathematical Framework for Transformer Circuits"), in TransformerLens's row-vector convention: a residual vector x
/// is a row, and a head with weights W_Q, W_K, W_V <c>[d_model, d_head]</c> and W_O <c>[d_head, d_model]</c> scores query
/// x_q against key x_k as x_q W_Q W_Kᵀ x_kᵀ and writes x W_V W_O. The attention biases of hw8's model are zero, so these
/// products are the whole head.
/// </summary>
public static class Circuits
{
    /// <summary>W_Q W_Kᵀ of head <paramref name="head"/> in <paramref name="layer"/>: <c>[d_model, d_model]</c>, factored through d_head.</summary>
    public static FactoredMatrix QK(HookedAttnOnlyTransformer model, int layer, int head)
    {
        var attn = model.blocks[layer].attn;
        throw new NotImplementedException("Circuits.QK: new FactoredMatrix(W_Q[head], W_K[head]ᵀ)");
    }

    /// <summary>W_V W_O of head <paramref name="head"/> in <paramref name="layer"/>: <c>[d_model, d_model]</c>, factored through d_head.</summary>
    public static FactoredMatrix OV(HookedAttnOnlyTransformer model, int layer, int head)
    {
        var attn = model.blocks[layer].attn;
        throw new NotImplementedException("Circuits.OV: new FactoredMatrix(W_V[head], W_O[head])");
    }

    /// <summary>
    /// The full QK circuit, W_E W_Q W_Kᵀ W_Eᵀ <c>[d_vocab (query token), d_vocab (key token)]</c>: how much a query token
    /// attends to a key token through the token embeddings alone. Factored as (W_E W_Q) (W_E W_K)ᵀ.
    /// </summary>
    public static FactoredMatrix FullQK(HookedAttnOnlyTransformer model, int layer, int head)
    {
        throw new NotImplementedException("Circuits.FullQK: QK(model, layer, head) with W_E on the left and W_Eᵀ on the right (LeftMatMul, MatMul)");
    }

    /// <summary>
    /// The positional QK circuit, W_pos W_Q W_Kᵀ W_posᵀ <c>[n_ctx (query position), n_ctx (key position)]</c>: how much a
    /// query position attends to a key position through the positional embeddings alone.
    /// </summary>
    public static FactoredMatrix PositionalQK(HookedAttnOnlyTransformer model, int layer, int head)
    {
        throw new NotImplementedException("Circuits.PositionalQK: as FullQK, with W_pos in place of W_E");
    }

    /// <summary>
    /// The full OV circuit, W_E W_V W_O W_U <c>[d_vocab (attended token), d_vocab (logit)]</c>: what attending to a token
    /// does to each output logit, through the direct path after the head. Factored as (W_E W_V) (W_O W_U), through d_head.
    /// </summary>
    public static FactoredMatrix FullOV(HookedAttnOnlyTransformer model, int layer, int head)
    {
        throw new NotImplementedException("Circuits.FullOV: OV(model, layer, head) with W_E on the left and W_U on the right");
    }
}
