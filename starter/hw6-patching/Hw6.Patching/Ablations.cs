using Course.Lens;
using static TorchSharp.torch;

namespace Hw6.Patching;

/// <summary>
/// What each component does on the clean prompts, found by taking it away. Every entry is a change, ablated minus clean:
/// a negative <c>HeadLogitDiff</c> means the component helped the model agree, a positive <c>HeadLoss</c> that it
/// helped it predict.
/// </summary>
/// <param name="HeadLogitDiff"><c>[n_layers, n_heads]</c> float32 on the CPU: the change in the mean <see cref="AgreementLogitDiff"/>.</param>
/// <param name="HeadLoss"><c>[n_layers, n_heads]</c> float32 on the CPU: the change in <see cref="PromptLoss"/>.</param>
/// <param name="MlpLogitDiff"><c>[n_layers]</c> float32 on the CPU.</param>
/// <param name="MlpLoss"><c>[n_layers]</c> float32 on the CPU.</param>
/// <param name="CleanLogitDiff">The mean logit difference with nothing ablated.</param>
/// <param name="CleanLoss">The loss with nothing ablated.</param>
public sealed record AblationTable(Tensor HeadLogitDiff, Tensor HeadLoss, Tensor MlpLogitDiff, Tensor MlpLoss, double CleanLogitDiff, double CleanLoss);

/// <summary>
/// Zero and mean ablation of each attention head (its <c>hook_z</c>, before <c>W_O</c>, so one head goes and the others
/// stay) and of each MLP (its <c>hook_mlp_out</c>), measured on the clean prompts of a batch, one component at a time.
/// Every hook added is removed before a method returns, also when it throws.
/// </summary>
public static class Ablations
{
    /// <summary>Each head's <c>hook_z[:, :, h]</c>, or each layer's <c>hook_mlp_out</c>, replaced by zeros at every position.</summary>
    public static AblationTable Zero(HookedTransformer model, PairBatch batch, CharVocabulary vocabulary)
    {
        throw new NotImplementedException("Ablations.Zero: Measure with zeros of d_head for every head and zeros of d_model for every MLP");
    }

    /// <summary>Each head's <c>hook_z[:, :, h]</c> replaced by <c>means.Z[l, h]</c>, or each layer's <c>hook_mlp_out</c> by <c>means.MlpOut[l]</c>, at every position.</summary>
    public static AblationTable Mean(HookedTransformer model, PairBatch batch, CharVocabulary vocabulary, MeanActivations means)
    {
        throw new NotImplementedException("Ablations.Mean: Measure with means.Z[l, h] for head (l, h) and means.MlpOut[l] for layer l's MLP, on the model's device");
    }

    /// <summary>
    /// The table for replacing head (l, h)'s <c>hook_z</c> by <c>headValue(l, h)</c> <c>[d_head]</c> and layer l's
    /// <c>hook_mlp_out</c> by <c>mlpValue(l)</c> <c>[d_model]</c>, one at a time, without gradients.
    /// </summary>
    static AblationTable Measure(HookedTransformer model, PairBatch batch, CharVocabulary vocabulary, Func<int, int, Tensor> headValue, Func<int, Tensor> mlpValue)
    {
        throw new NotImplementedException("Ablations.Measure: run the clean tokens plainly, then once per head with a hook on blocks.{l}.attn.hook_z that puts headValue(l, h) in head h (where with a [1, 1, n_heads, 1] mask), then once per layer with a hook on blocks.{l}.hook_mlp_out returning mlpValue(l) expanded to its shape; record mean AgreementLogitDiff and PromptLoss minus the clean ones");
    }
}
