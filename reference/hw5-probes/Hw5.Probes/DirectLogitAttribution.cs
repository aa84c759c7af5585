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
        // BEGIN SOLUTION: the difference of two columns of model.W_U, picked with vocabulary.Id
        return model.W_U[.., vocabulary.Id('s')] - model.W_U[.., vocabulary.Id(' ')]; // [d_model]
        // END SOLUTION
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
        // BEGIN SOLUTION: collect each component's vector at the verb positions ([batch, d_model]); centre each on its own, divide by the cached ln_final scale there, multiply by ln_final.w, dot with the direction; the bias part is ln_final.b · direction + b_U["s"] - b_U[" "]
        var rows = arange(batch.Tokens.shape[0]);
        var verb = batch.VerbPosition;
        Tensor AtVerb(Tensor activation) => activation.to(CPU)[rows, verb]; // [batch, ...]
        var parts = new List<Tensor> { AtVerb(cache["hook_embed"]), AtVerb(cache["hook_pos_embed"]) };
        var labels = new List<string> { "embed", "pos_embed" };
        for (int l = 0; l < model.Config.n_layers; l++)
        {
            var attn = model.blocks[l].attn;
            var z = AtVerb(cache["z", l]); // [batch, head, d_head]
            var heads = einsum("bhd,hdm->hbm", z, attn.W_O.to(CPU)); // [head, batch, d_model]
            for (int h = 0; h < model.Config.n_heads; h++)
            {
                parts.Add(heads[h]);
                labels.Add($"L{l}H{h}");
            }
            parts.Add(attn.b_O.to(CPU).expand(rows.shape[0], -1));
            labels.Add($"{l}_attn_bias");
            parts.Add(AtVerb(cache["mlp_out", l]));
            labels.Add($"{l}_mlp_out");
        }
        var components = stack(parts); // [component, batch, d_model]
        var scale = AtVerb(cache["scale", -1]); // [batch, 1]
        var direction = LogitDiffDirection(model, vocabulary).to(CPU) * model.ln_final.w.to(CPU); // [d_model]
        var centred = components - components.mean([-1], keepdim: true); // [component, batch, d_model]
        var contributions = (centred / scale).matmul(direction); // [component, batch]
        var bias = model.ln_final.b.to(CPU).dot(LogitDiffDirection(model, vocabulary).to(CPU))
                   + model.b_U.to(CPU)[vocabulary.Id('s')] - model.b_U.to(CPU)[vocabulary.Id(' ')];
        labels.Add("bias");
        return (cat([contributions, bias.expand(1, rows.shape[0])]), labels); // [component, batch]
        // END SOLUTION
    }
}
