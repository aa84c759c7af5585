using Course.Lens;
using Course.Lens.Agreement;
using static TorchSharp.torch;

namespace Hw5.Probes;

/// <summary>
/// What a probe reads: the residual stream at each prompt's verb position, where the model must know the subject's
/// number to choose between "runs" and "run", with the subject's number as the label.
/// </summary>
public static class ProbeDataset
{
    /// <summary>
    /// The accumulated residual stream with the middles (<see cref="ActivationCache.AccumulatedResid"/> with incl_mid:
    /// <c>0_pre</c>, <c>0_mid</c>, <c>1_pre</c>, <c>1_mid</c>, ..., <c>final_post</c>) at each prompt's verb position:
    /// <c>[component, batch, d_model]</c>, detached, on the CPU.
    /// </summary>
    public static Tensor ResidualsAtVerb(HookedTransformer model, AgreementBatch batch)
    {
        var (_, cache) = model.RunWithCache(batch.Tokens.to(model.W_E.device), name => name.Contains("hook_resid", StringComparison.Ordinal));
        var (residuals, _) = cache.AccumulatedResid(incl_mid: true); // [component, batch, pos, d_model]
        return residuals.to(CPU)[.., .., -1]; // [component, batch, d_model]: the last position
    }

    /// <summary>The labels as a probe wants them: <c>[batch]</c> float64, 1 for a plural subject and 0 for a singular one.</summary>
    public static Tensor Labels(AgreementBatch batch) => batch.PluralSubject.to(ScalarType.Float64);
}
