using Course.Lens;
using static TorchSharp.torch;

namespace Hw6.Patching;

/// <summary>
/// The normalised patching metric of Wang et al. (2023) and ARENA: the batch's mean <see cref="AgreementLogitDiff"/>
/// mapped so that the corrupted run scores 0 and the clean run 1, <c>(d - Corrupted) / (Clean - Corrupted)</c>.
/// A patch that scores 1 restores everything the corruption took; one that scores 0 restores nothing.
/// </summary>
/// <param name="Clean">The mean logit difference of the clean run.</param>
/// <param name="Corrupted">The mean logit difference of the corrupted run.</param>
public sealed record PatchingMetric(PairBatch Batch, CharVocabulary Vocabulary, double Clean, double Corrupted)
{
    /// <summary>Runs <paramref name="model"/> on the clean and the corrupted prompts (without gradients) and keeps their mean logit differences.</summary>
    public static PatchingMetric Measure(HookedTransformer model, PairBatch batch, CharVocabulary vocabulary)
    {
        using var noGrad = no_grad();
        var device = model.W_E.device;
        double clean = AgreementLogitDiff.Of(model.call(batch.Clean.to(device)), batch, vocabulary).mean().item<float>();
        double corrupted = AgreementLogitDiff.Of(model.call(batch.Corrupted.to(device)), batch, vocabulary).mean().item<float>();
        return new PatchingMetric(batch, vocabulary, clean, corrupted);
    }

    /// <summary><c>logits [batch, pos, d_vocab] → a scalar</c>, differentiable: 0 at the corrupted run, 1 at the clean run.</summary>
    public Tensor Score(Tensor logits)
    {
        return (AgreementLogitDiff.Of(logits, Batch, Vocabulary).mean() - Corrupted) / (Clean - Corrupted);
    }
}
