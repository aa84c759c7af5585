using Course.Lens;
using Course.Lens.Agreement;
using static TorchSharp.torch;

namespace Hw5.Probes;

/// <summary>
/// Direct logit attribution (Elhage et al. 2021, "A Mathematical Framework for Transformer Circuits"): the final
/// residual stream is a sum of what each component wrote, and with the final LayerNorm's scale frozen at its cached
/// value the logit difference is linear in it, so it splits exactly into one part per component.
/// </summary>
public static class DirectLogitAttribution
{
    /// <summary>The unembedding's direction of the agreement metric, <c>W_U[:, "s"] - W_U[:, " "]</c>: <c>[d_model]</c>.</summary>
    public static Tensor LogitDiffDirection(HookedTransformer model, CharVocabulary vocabulary)
    {
        throw new NotImplementedException("DirectLogitAttribution.LogitDiffDirection: the difference of two columns of model.W_U, picked with vocabulary.Id");
    }

    /// <summary>
    /// Each component's part of the logit difference at each prompt's verb position: <c>[component, batch]</c> float32 (the
    /// model's dtype), labelled <c>embed</c>, <c>pos_embed</c>, then for each layer l its heads <c>L{l}H{h}</c> (each
    /// head's <c>z W_O[h]</c>), <c>{l}_attn_bias</c> (<c>b_O</c>) and <c>{l}_mlp_out</c>, and last <c>bias</c> (ln_final's
    /// <c>b</c> and <c>b_U</c>, the same for every prompt). A component's vector c counts as <c>(c - mean(c)) / scale *
    /// ln_final.w</c>, with the scale from <c>ln_final.hook_scale</c> in <paramref name="cache"/>, dotted with <see
    /// cref="LogitDiffDirection"/>. The parts sum to <see cref="AgreementMetric.LogitDiff"/> of the cached run.
    /// </summary>
    public static (Tensor Parts, IReadOnlyList<string> Labels) Attribute(HookedTransformer model, ActivationCache cache, AgreementBatch batch, CharVocabulary vocabulary)
    {
        throw new NotImplementedException("DirectLogitAttribution.Attribute: collect each component's vector at the verb positions ([batch, d_model]); centre each on its own, divide by the cached ln_final scale there, multiply by ln_final.w, dot with the direction; the bias part is ln_final.b · direction + b_U[\"s\"] - b_U[\" \"]");
    }
}
