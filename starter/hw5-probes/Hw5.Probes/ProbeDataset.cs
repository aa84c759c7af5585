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
    /// <c>[component, batch, d_model]</c> float32 (as the model computes it), detached, on the CPU. The model is left as
    /// it was found: no hook of this call stays attached, and hooks attached before stay.
    /// </summary>
    public static Tensor ResidualsAtVerb(HookedTransformer model, AgreementBatch batch)
    {
        throw new NotImplementedException("ProbeDataset.ResidualsAtVerb: RunWithCache on batch.Tokens (only the resid hooks are needed), AccumulatedResid(incl_mid: true), then pick each prompt's verb position from dim 2");
    }

    /// <summary>The labels as a probe wants them: <c>[batch]</c> float64, 1 for a plural subject and 0 for a singular one.</summary>
    public static Tensor Labels(AgreementBatch batch) => batch.PluralSubject.to(ScalarType.Float64);
}
