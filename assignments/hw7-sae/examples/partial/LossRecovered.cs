using Course.Lens;
using Course.Lens.Agreement;
using static TorchSharp.torch;

namespace Hw7.Sae;

/// <summary>
/// How much of the model's language modelling survives when an activation is replaced by an SAE's reconstruction of it
/// (Bricken et al. 2023; SAELens's "CE loss score"): <c>(L_zero − L_spliced) / (L_zero − L_clean)</c>, where L is the
/// next-character loss of the model as it is (clean), with the reconstruction spliced in at the hook point, and with the
/// activation zero-ablated there. 1: the reconstruction loses nothing; 0: it is as bad as no activation at all.
/// </summary>
public static class LossRecovered
{
    /// <summary>The three losses and the score.</summary>
    public sealed record Result(double Clean, double Spliced, double ZeroAblated)
    {
        public double Score => (ZeroAblated - Spliced) / (ZeroAblated - Clean);
    }

    /// <summary>
    /// The losses on <paramref name="batch"/>: <see cref="PromptLoss"/> of the model as it is, with the activation at
    /// <paramref name="hookName"/> <c>[batch, pos, d_model]</c> replaced by <paramref name="reconstruct"/> of it
    /// (called on <c>[batch * pos, d_model]</c> rows, returning the same shape), and with it replaced by zeros. Without gradients.
    /// </summary>
    public static Result Measure(HookedTransformer model, CharVocabulary vocabulary, AgreementBatch batch, string hookName, Func<Tensor, Tensor> reconstruct)
    {
        throw new NotImplementedException("LossRecovered.Measure: three runs under no_grad of batch.Tokens: plain, with a hook on model.Hook(hookName) returning reconstruct(activation.reshape(-1, d_model)).reshape(activation.shape), and with one returning zeros_like(activation); PromptLoss of each");
    }
}
