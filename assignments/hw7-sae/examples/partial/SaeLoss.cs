using static TorchSharp.torch;

namespace Hw7.Sae;

/// <summary>The parts of <see cref="SaeLoss.Of"/>: scalars, and the activations and reconstruction they came from.</summary>
/// <param name="Total">Scalar: <c>Mse + λ · L1</c>, the one to call backward on.</param>
/// <param name="Mse">Scalar: the mean over the batch of <c>‖x̂ − x‖²</c> (summed over d_in).</param>
/// <param name="L1">Scalar: the mean over the batch of <c>Σ_i z_i ‖W_dec[i]‖</c>.</param>
/// <param name="Z"><c>[batch, d_sae]</c>: the latent activations.</param>
/// <param name="Reconstruction"><c>[batch, d_in]</c>: x̂.</param>
public sealed record SaeLossParts(Tensor Total, Tensor Mse, Tensor L1, Tensor Z, Tensor Reconstruction);

/// <summary>
/// The SAE's training loss as in SAELens: the squared reconstruction error plus λ times the L1 norm of the latents,
/// each latent weighted by the norm of its decoder row. With unit rows the weights are 1; without them the L1 term
/// would be cheated by shrinking <c>z</c> and growing <c>W_dec</c>, which the weighting makes pointless.
/// </summary>
public static class SaeLoss
{
    /// <summary><c>x [batch, d_in]</c> → the loss parts; differentiable in the SAE's parameters.</summary>
    public static SaeLossParts Of(SparseAutoencoder sae, Tensor x, double l1Coefficient)
    {
        var z = sae.Encode(x); // [batch, d_sae]
        var reconstruction = sae.Decode(z); // [batch, d_in]
        var mse = (reconstruction - x).pow(2).sum([-1]).mean();
        var rowNorms = linalg.vector_norm(sae.W_dec, dims: [1]); // [d_sae]
        var l1 = (z * rowNorms).sum([-1]).mean();
        return new SaeLossParts(mse + l1Coefficient * l1, mse, l1, z, reconstruction);
    }
}
