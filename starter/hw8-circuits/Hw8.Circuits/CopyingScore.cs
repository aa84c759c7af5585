using TorchSharp;
namespace Hw8.Circuits;

/// <summary>
/// How much a head's full OV circuit copies (Elhage et al. 2021): Σλ / Σ|λ| over the circuit's eigenvalues λ. A circuit
/// that maps each token to itself has positive eigenvalues and scores near 1; one that suppresses the token it attends to
/// scores near −1; a rotation, whose eigenvalues come in ±iθ pairs, near 0.
/// </summary>
public static class CopyingScore
{
    /// <summary>The copying score of <paramref name="fullOv"/>, a square circuit such as <see cref="Circuits.FullOV"/>'s.</summary>
    public static double Of(FactoredMatrix fullOv)
    {
        throw new NotImplementedException("CopyingScore.Of: λ = fullOv.Eigenvalues() (complex); Σλ (its real part: the imaginary parts of conjugate pairs cancel) / Σ|λ|");
    }
}
