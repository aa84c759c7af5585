using TorchSharp;
using static TorchSharp.torch;

namespace Hw7.Sae;

/// <summary>
/// Resampling dead latents as in Bricken et al. (2023), "Towards Monosemanticity" (and ARENA's version of it): each
/// dead latent is pointed at an input the autoencoder reconstructs badly, so that it has something to learn.
/// </summary>
public static class Resampling
{
    /// <summary>The encoder scale of a revived latent, relative to the mean encoder norm of the live ones (Anthropic's 0.2).</summary>
    public const double EncoderScale = 0.2;

    /// <summary>
    /// Revives the latents where <paramref name="dead"/> is true, in place, without gradients; live latents are left
    /// exactly as they were. With <c>n</c> dead latents:
    /// <list type="number">
    /// <item>each input's reconstruction loss <c>ℓ_j = ‖x̂_j − x_j‖²</c> (summed over d_in);</item>
    /// <item><c>n</c> distinct inputs drawn with probability ∝ <c>ℓ_j²</c>, by <c>multinomial(ℓ², n, replacement: false,
    /// generator)</c> on the CPU; the i-th dead latent (in increasing index) gets the i-th draw;</item>
    /// <item>its decoder row: the unit vector along <c>x_j − b_dec</c>;</item>
    /// <item>its encoder column: that unit vector times <see cref="EncoderScale"/> times the mean norm of the live
    /// latents' encoder columns (1 when none is live);</item>
    /// <item>its <c>b_enc</c>: 0;</item>
    /// <item>the Adam moments of those rows of <c>W_dec</c>, columns of <c>W_enc</c> and entries of <c>b_enc</c>: 0.</item>
    /// </list>
    /// </summary>
    /// <param name="dead"><c>[d_sae]</c> bool (<see cref="DeadLatents.Dead"/>).</param>
    /// <param name="inputs"><c>[n_inputs, d_in]</c>, with at least as many inputs of nonzero loss as dead latents.</param>
    /// <param name="generator">A CPU generator for the draw.</param>
    /// <returns>The number of latents revived.</returns>
    public static int Resample(SparseAutoencoder sae, SaeAdam optimiser, Tensor dead, Tensor inputs, Generator generator)
    {
        throw new NotImplementedException("Resampling.Resample: no_grad; dead indices = dead.nonzero() flattened (return 0 if none); ℓ = Σ_d (sae(x) - x)² [n_inputs]; picks = multinomial(ℓ².cpu(), n_dead, false, generator) moved back; unit (x[picks] - b_dec) → W_dec rows (index_copy_ dim 0), times 0.2 · mean live ‖W_enc[:, i]‖ (1 if none live) → W_enc columns (index_copy_ dim 1); b_enc[dead] = 0; zero the same rows/columns/entries of both moments of W_dec, W_enc, b_enc");
    }
}
