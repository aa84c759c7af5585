using Course.Lens;
using Course.Lens.Agreement;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw7.Sae;

/// <summary>
/// The tiny GPT's residual stream as an SAE's data: the activation at one hook point at every real position of a batch of
/// agreement prompts (not the right padding), and at each prompt's verb position, where the subject's number is read.
/// </summary>
public static class ResidualSae
{
    /// <summary>
    /// <c>[n_tokens, d_model]</c>: the activation at <paramref name="hookName"/> at every position <c>p ≤ VerbPosition</c> of
    /// every prompt of <paramref name="batch"/>, prompt by prompt, in order of position; detached, without gradients.
    /// </summary>
    public static Tensor Activations(HookedTransformer model, AgreementBatch batch, string hookName)
    {
        throw new NotImplementedException("ResidualSae.Activations: read the hook's activation [batch, pos, d_model] on a plain run (a reading hook, removed after); keep positions arange(pos) <= VerbPosition (a [batch, pos] mask) and flatten with that mask");
    }

    /// <summary><c>[batch, d_model]</c>: the activation at <paramref name="hookName"/> at each prompt's verb position; detached.</summary>
    public static Tensor AtVerb(HookedTransformer model, AgreementBatch batch, string hookName)
    {
        throw new NotImplementedException("ResidualSae.AtVerb: the same activation, indexed by arange(batch) and batch.VerbPosition");
    }

    /// <summary>
    /// A ReLU SAE of <paramref name="dSae"/> latents (initialised from <paramref name="seed"/>) trained with
    /// <see cref="SaeTraining.Train"/> on rows of <paramref name="activations"/> <c>[n, d_model]</c> drawn uniformly with
    /// replacement from a generator seeded by <paramref name="seed"/> (on the CPU), with <c>b_dec</c> started at the
    /// activations' mean (SAELens's "geometric median" start, simplified), on the activations' device.
    /// </summary>
    public static (SparseAutoencoder Sae, SaeHistory History) Train(Tensor activations, long dSae, SaeTrainingOptions options, long seed)
    {
        throw new NotImplementedException("ResidualSae.Train: new SparseAutoencoder(d_model, dSae, seed) moved to the activations' device; copy the mean row into b_dec (no_grad); a CPU Generator seeded with seed; sample = n => activations[randint(0, rows, [n], generator)]; SaeTraining.Train");
    }

    /// <summary>Given. The activation at <paramref name="hookName"/> <c>[batch, pos, ...]</c> on a plain run of the batch's tokens, detached.</summary>
    public static Tensor Read(HookedTransformer model, AgreementBatch batch, string hookName)
    {
        Tensor? seen = null;
        using var noGrad = no_grad();
        using (model.Hook(hookName).AddHook((activation, _) => { seen = activation.detach(); return null; }))
            model.call(batch.Tokens.to(model.W_E.device));
        return seen ?? throw new InvalidOperationException($"the forward pass never reached {hookName}");
    }
}
