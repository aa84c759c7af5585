using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw8.Circuits.Tests;

/// <summary>The copying score Σλ / Σ|λ| on circuits whose eigenvalues are known.</summary>
public sealed class CopyingScoreTests : TorchTest
{
    static FactoredMatrix Factored(double[,] a) => new(tensor(a, ScalarType.Float32).to(TestDevice.Current), eye(a.GetLength(1), dtype: ScalarType.Float32, device: TestDevice.Current));

    [TestCase(1.0, 1.0, 1.0, 1.0)]
    [TestCase(-2.0, -0.5, -1.0, -1.0)]
    [TestCase(3.0, -1.0, 0.0, 0.5)]
    [Points(3)]
    public void CopyingScore_OfADiagonalCircuit_IsTheSumOfItsEntriesOverTheSumOfTheirMagnitudes(double d0, double d1, double d2, double expected)
    {
        double[] diagonal = [d0, d1, d2];
        var d = new double[diagonal.Length, diagonal.Length];
        for (int i = 0; i < diagonal.Length; i++) d[i, i] = diagonal[i];

        double score = CopyingScore.Of(Factored(d));

        Assert.That(score, Is.EqualTo(expected).Within(1e-5),
            $"the copying score of diag({string.Join(", ", diagonal)}) is Σλ / Σ|λ| = {expected} (the denominator sums the magnitudes |λ|, the numerator the eigenvalues themselves)");

        var negated = new double[diagonal.Length, diagonal.Length];
        for (int i = 0; i < diagonal.Length; i++) negated[i, i] = 0 - diagonal[i]; // 0 - x, not -x: no -0 in the message
        Assert.That(CopyingScore.Of(Factored(negated)), Is.EqualTo(-expected).Within(1e-5),
            $"the copying score of diag({string.Join(", ", diagonal.Select(x => 0 - x))}) is Σλ / Σ|λ| = {-expected}: negating the circuit negates the score");

        // The same diagonal under 2s: an upper-triangular circuit, whose eigenvalues are still its diagonal entries, but which
        // is not normal, so its singular values are not their magnitudes (Σσ > Σ|λ|), as in a real full OV circuit.
        var triangular = (double[,])d.Clone();
        for (int i = 0; i < diagonal.Length; i++)
            for (int j = i + 1; j < diagonal.Length; j++) triangular[i, j] = 2;
        double fromEigenvalues = diagonal.Sum() / diagonal.Sum(Math.Abs); // λ = the diagonal entries
        Assert.That(CopyingScore.Of(Factored(triangular)), Is.EqualTo(fromEigenvalues).Within(1e-5),
            $"the copying score of diag({string.Join(", ", diagonal)}) with 2s above the diagonal (upper triangular, so its eigenvalues are still " +
            $"{string.Join(", ", diagonal)}) is Σλ / Σ|λ| = {fromEigenvalues}: use the eigenvalues' magnitudes |λ|, not the singular values, which differ for a non-normal circuit");

        // The same diagonal D factored through an inner dimension of 4 whose B A is not diagonal: A = [I | a] [3, 4] and
        // B = [D - a cᵀ; cᵀ] [4, 3] multiply to D, and B A's eigenvalues are D's and a 0, but its diagonal is d0 - 4, d1, d2, 4
        // (a = c = 2 e0): the diagonal of B A is not its eigenvalues (a red team, round 19 atk68 b05, read the diagonal).
        var a = new double[] { 2, 0, 0 };
        var wideA = new double[3, 4];
        var tallB = new double[4, 3];
        for (int i = 0; i < 3; i++)
        {
            wideA[i, i] = 1;
            wideA[i, 3] = a[i];
            for (int j = 0; j < 3; j++) tallB[i, j] = d[i, j] - a[i] * a[j];
            tallB[3, i] = a[i];
        }
        var throughFour = new FactoredMatrix(tensor(wideA, ScalarType.Float32).to(TestDevice.Current), tensor(tallB, ScalarType.Float32).to(TestDevice.Current));
        Assert.That(CopyingScore.Of(throughFour), Is.EqualTo(expected).Within(1e-5),
            $"the copying score of diag({string.Join(", ", diagonal)}) factored as [I | 2 e0] [4, 3] times [D - 4 e0 e0ᵀ; 2 e0ᵀ] (inner dimension 4, B A not diagonal, " +
            $"its eigenvalues {string.Join(", ", diagonal)} and 0) is Σλ / Σ|λ| = {expected}: use the eigenvalues of B A, not its diagonal entries");
    }

    [Test, Points(2)]
    public void CopyingScore_OfARotation_IsZero_ItsEigenvaluesArePlusAndMinusI()
    {
        double score = CopyingScore.Of(Factored(new double[,] { { 0, -1 }, { 1, 0 } }));

        Assert.That(score, Is.EqualTo(0).Within(1e-5),
            "a 90° rotation has eigenvalues ±i: Σλ = 0 and Σ|λ| = 2, so it neither copies nor suppresses (take Σλ's real part and |λ| of complex values, not the real parts' magnitudes)");
        // The same rotation beside a copying direction: eigenvalues ±i and 2, Σλ = 2 and Σ|λ| = 4.
        double withCopying = CopyingScore.Of(Factored(new double[,] { { 0, -1, 0 }, { 1, 0, 0 }, { 0, 0, 2 } }));
        Assert.That(withCopying, Is.EqualTo(0.5).Within(1e-5),
            "the rotation beside a direction scaled by 2 has eigenvalues ±i and 2: Σλ = 2 and Σ|λ| = 4, so its copying score is 0.5");
    }
}
