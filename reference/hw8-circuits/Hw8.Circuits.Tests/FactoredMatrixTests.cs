using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw8.Circuits.Tests;

/// <summary>
/// FactoredMatrix against the same computations done densely in float64 on random factors: every method must give
/// what A B itself would, while keeping the factors (the inner dimension) wherever the product allows it.
/// </summary>
public sealed class FactoredMatrixTests : TorchTest
{
    [Test, Points(2)]
    public void AB_IsTheDenseProductOfTheFactors()
    {
        using var seeded = new Seeded(800);
        var (a, b) = (seeded.Randn([5, 3], ScalarType.Float64), seeded.Randn([3, 4], ScalarType.Float64)); // [m, k] [k, n]
        var expected = a.matmul(b); // [5, 4]

        var product = new FactoredMatrix(a, b).AB;

        TensorAssert.Close(product, expected, name: "FactoredMatrix(A [5, 3], B [3, 4]).AB: expected the [5, 4] product A B (A.matmul(B), not B A or an elementwise product)");
    }

    [TestCase(4, 3, 6), TestCase(5, 5, 5)]
    [Points(3)]
    public void T_IsTheTransposeOfTheProduct_WithTheFactorsSwapped(int m, int k, int n)
    {
        using var seeded = new Seeded(801);
        var (a, b) = (seeded.Randn([m, k], ScalarType.Float64), seeded.Randn([k, n], ScalarType.Float64));
        var expected = a.matmul(b).T; // [n, m]

        var t = new FactoredMatrix(a, b).T;

        Assert.That(t.Shape, Is.EqualTo(new long[] { n, m }), $"FactoredMatrix(A [{m}, {k}], B [{k}, {n}]).T is [n, m] = [{n}, {m}]");
        Assert.That(t.InnerDim, Is.EqualTo(k), "T keeps the inner dimension k: (A B)ᵀ = Bᵀ Aᵀ, two factors, nothing formed");
        TensorAssert.Close(t.AB, expected, name: $"FactoredMatrix(A [{m}, {k}], B [{k}, {n}]).T.AB: expected (A B)ᵀ = Bᵀ Aᵀ (swap the factors: Aᵀ Bᵀ is not the transpose)");
    }

    [Test, Points(3)]
    public void MatMul_ByADenseMatrix_IsAFactoredProductKeepingTheInnerDimension()
    {
        using var seeded = new Seeded(802);
        var (a, b, other) = (seeded.Randn([5, 3], ScalarType.Float64), seeded.Randn([3, 4], ScalarType.Float64), seeded.Randn([4, 6], ScalarType.Float64));
        var expected = a.matmul(b).matmul(other); // [5, 6]

        var product = new FactoredMatrix(a, b).MatMul(other);

        Assert.That(product.Shape, Is.EqualTo(new long[] { 5, 6 }), "(A [5, 3] B [3, 4]) M [4, 6] is [5, 6]");
        Assert.That(product.InnerDim, Is.EqualTo(3), "(A B) M must stay factored as A (B M), inner dimension k = 3, not (A B) M with A B formed");
        TensorAssert.Close(product.AB, expected, name: "FactoredMatrix(A, B).MatMul(M).AB: expected (A B) M = A (B M) (M on the right of B)");
    }

    [Test, Points(3)]
    public void LeftMatMul_ByADenseMatrix_IsAFactoredProductKeepingTheInnerDimension()
    {
        using var seeded = new Seeded(803);
        var (a, b, other) = (seeded.Randn([5, 3], ScalarType.Float64), seeded.Randn([3, 4], ScalarType.Float64), seeded.Randn([2, 5], ScalarType.Float64));
        var expected = other.matmul(a.matmul(b)); // [2, 4]

        var product = new FactoredMatrix(a, b).LeftMatMul(other);

        Assert.That(product.Shape, Is.EqualTo(new long[] { 2, 4 }), "M [2, 5] (A [5, 3] B [3, 4]) is [2, 4]");
        Assert.That(product.InnerDim, Is.EqualTo(3), "M (A B) must stay factored as (M A) B, inner dimension k = 3, not M (A B) with A B formed");
        TensorAssert.Close(product.AB, expected, name: "FactoredMatrix(A, B).LeftMatMul(M).AB: expected M (A B) = (M A) B (M on the left of A)");
    }

    [Test, Points(3)]
    public void MatMul_ByAFactoredMatrix_IsTheProductOfTheFourFactors()
    {
        using var seeded = new Seeded(804);
        var (a, b) = (seeded.Randn([5, 3], ScalarType.Float64), seeded.Randn([3, 6], ScalarType.Float64));
        var (c, d) = (seeded.Randn([6, 4], ScalarType.Float64), seeded.Randn([4, 2], ScalarType.Float64));
        var expected = a.matmul(b).matmul(c).matmul(d); // [5, 2]
        var (e, f) = (seeded.Randn([6, 2], ScalarType.Float64), seeded.Randn([2, 4], ScalarType.Float64));
        var expectedNarrower = a.matmul(b).matmul(e).matmul(f); // [5, 4]
        var (a2, b2) = (a.clone(), b.clone());

        var product = new FactoredMatrix(a, b).MatMul(new FactoredMatrix(c, d));

        Assert.That(product.Shape, Is.EqualTo(new long[] { 5, 2 }), "(A [5, 3] B [3, 6]) (C [6, 4] D [4, 2]) is [5, 2]");
        Assert.That(product.InnerDim, Is.EqualTo(3), "(A B)(C D) keeps this matrix's inner dimension: A ((B C) D), inner dimension 3");
        TensorAssert.Close(product.AB, expected, name: "FactoredMatrix(A, B).MatMul(FactoredMatrix(C, D)).AB: expected A B C D, in that order");

        // Also when the other's inner dimension is the smaller one (TransformerLens would keep that one; this course keeps k).
        var narrower = new FactoredMatrix(a2, b2).MatMul(new FactoredMatrix(e, f));
        Assert.That(narrower.InnerDim, Is.EqualTo(3),
            "(A [5, 3] B)(C [6, 2] D) keeps this matrix's inner dimension 3, as the doc says (A stays the left factor, only B C D is formed), even though C D's is 2");
        TensorAssert.Close(narrower.AB, expectedNarrower, name: "FactoredMatrix(A, B).MatMul(FactoredMatrix(C, D)).AB with C D of inner dimension 2");
    }

    [TestCase(6, 4, 4), TestCase(3, 5, 7)]
    [Points(4)]
    public void Norm_IsTheFrobeniusNormOfTheProduct(int m, int k, int n)
    {
        using var seeded = new Seeded(805);
        var (a, b) = (seeded.Randn([m, k], ScalarType.Float64), seeded.Randn([k, n], ScalarType.Float64));
        var expected = a.matmul(b).square().sum().sqrt(); // 0-d

        var norm = new FactoredMatrix(a, b).Norm();

        TensorAssert.Close(norm, expected,
            name: $"FactoredMatrix(A [{m}, {k}], B [{k}, {n}]).Norm(): expected the Frobenius norm of A B, a 0-d tensor: sqrt(sum((AᵀA) * (B Bᵀ))), not of A or B alone, nor its square");
    }

    [TestCase(5, 3, 0), TestCase(4, 4, 0), TestCase(6, 4, 2)]
    [Points(5)]
    public void Eigenvalues_AreTheNonzeroEigenvaluesOfTheProduct(int m, int k, int innerRank)
    {
        using var seeded = new Seeded(806);
        var (a, b) = Factors(seeded, m, k, m, innerRank);
        var dense = linalg.eigvals(a.matmul(b)); // [m] complex: the k largest in magnitude are B A's, the rest 0

        var eigenvalues = new FactoredMatrix(a, b).Eigenvalues();

        TensorAssert.Shape(eigenvalues, [k], $"FactoredMatrix(A [{m}, {k}], B [{k}, {m}]).Eigenvalues(): k = {k} eigenvalues, of the [k, k] product B A (not of the [m, m] A B)");
        AssertSameSpectrum(eigenvalues, LargestInMagnitude(dense, k),
            $"FactoredMatrix(A [{m}, {k}], B [{k}, {m}]).Eigenvalues() against the {k} largest eigenvalues of the dense A B (torch.linalg.eigvals(B.matmul(A)): B A, general, not eigvalsh)");
    }

    [TestCase(6, 4, 5, 0), TestCase(3, 6, 5, 0), TestCase(7, 5, 3, 0), TestCase(6, 5, 7, 2)]
    [Points(7)]
    public void Svd_ReconstructsTheProductWithOrthonormalSingularVectors(int m, int k, int n, int innerRank)
    {
        using var seeded = new Seeded(807);
        var (a, b) = Factors(seeded, m, k, n, innerRank);
        long r = Math.Min(Math.Min(m, k), Math.Min(n, k));
        var what = $"FactoredMatrix(A [{m}, {k}], B [{k}, {n}]{(innerRank > 0 ? $", rank {innerRank}" : "")}).Svd()";
        var product = a.matmul(b); // [m, n]

        var (u, s, v) = new FactoredMatrix(a, b).Svd();

        TensorAssert.Shape(u, [m, r], $"{what}.U: [m, r] with r = min(min(m, k), min(n, k)) = {r} (U = Q_A U': the reduced QR of A, and svd(R_A R_Bᵀ, fullMatrices: false))");
        TensorAssert.Shape(s, [r], $"{what}.S: [r] = [{r}]");
        TensorAssert.Shape(v, [n, r], $"{what}.V: [n, r], the right singular vectors as columns (V = Q_B V' with V' = Vhᵀ, and svd(R_A R_Bᵀ, fullMatrices: false))");
        TensorAssert.Close(s, linalg.svdvals(product).narrow(0, 0, r), name: $"{what}.S: expected the {r} largest singular values of A B, descending (the SVD of R_A R_Bᵀ)");
        TensorAssert.Close(u.T.matmul(u), eye(r, dtype: ScalarType.Float64, device: Device), name: $"{what}: UᵀU must be the identity (U = Q_A U', both with orthonormal columns)");
        TensorAssert.Close(v.T.matmul(v), eye(r, dtype: ScalarType.Float64, device: Device), name: $"{what}: VᵀV must be the identity (V = Q_B V', both with orthonormal columns)");
        TensorAssert.Close((u * s).matmul(v.T), product,
            name: $"{what}: U diag(S) Vᵀ must be A B (U = Q_A U', V = Q_B V' with V' the transpose of svd's Vh, R_Bᵀ from the QR of Bᵀ)");
        AssertSameSingularVectors(u, v, product, innerRank > 0 ? Math.Min(r, innerRank) : r, what);
    }

    /// <summary>A [m, k] and B [k, n] in float64; with <paramref name="innerRank"/> &gt; 0, A = X Y of rank innerRank &lt; k.</summary>
    static (Tensor A, Tensor B) Factors(Seeded seeded, int m, int k, int n, int innerRank)
    {
        var a = innerRank > 0
            ? seeded.Randn([m, innerRank], ScalarType.Float64).matmul(seeded.Randn([innerRank, k], ScalarType.Float64)) // [m, k] of rank innerRank
            : seeded.Randn([m, k], ScalarType.Float64);
        return (a, seeded.Randn([k, n], ScalarType.Float64));
    }

    /// <summary>The <paramref name="count"/> eigenvalues of largest magnitude, [count] complex.</summary>
    static Tensor LargestInMagnitude(Tensor eigenvalues, long count) =>
        eigenvalues.index_select(0, eigenvalues.abs().argsort(descending: true).narrow(0, 0, count));

    /// <summary>The same multiset of eigenvalues, in any order: their sorted magnitudes, real parts and imaginary parts agree.</summary>
    static void AssertSameSpectrum(Tensor actual, Tensor expected, string what)
    {
        Assert.That(actual.is_complex(), Is.True, $"{what}: expected complex eigenvalues, got {actual.dtype} (torch.linalg.eigvals, not eigvalsh: B A is not symmetric)");
        TensorAssert.Close(actual.abs().sort().Values, expected.abs().sort().Values, name: $"{what}: sorted magnitudes");
        TensorAssert.Close(actual.real.sort().Values, expected.real.sort().Values, name: $"{what}: sorted real parts");
        TensorAssert.Close(actual.imag.sort().Values, expected.imag.sort().Values, name: $"{what}: sorted imaginary parts");
    }

    /// <summary>The first <paramref name="count"/> columns of U and V are the dense SVD's, each up to one sign shared by its U and V columns.</summary>
    static void AssertSameSingularVectors(Tensor u, Tensor v, Tensor product, long count, string what)
    {
        var (denseU, _, denseVh) = linalg.svd(product, fullMatrices: false); // [m, min(m, n)] [min(m, n)] [min(m, n), n]
        var (expectedU, expectedV) = (denseU.narrow(1, 0, count), denseVh.narrow(0, 0, count).T); // [m, count] [n, count]
        var sign = (u.narrow(1, 0, count) * expectedU).sum(dim: 0).sign(); // [count]: the sign each column of U differs by
        TensorAssert.Close(u.narrow(1, 0, count) * sign, expectedU, name: $"{what}.U: the left singular vectors of A B (columns, up to sign) of the top {count} singular values");
        TensorAssert.Close(v.narrow(1, 0, count) * sign, expectedV,
            name: $"{what}.V: the right singular vectors of A B (columns, with the same signs as U's) of the top {count} singular values; V = Q_B V', not Q_B V'ᵀ");
    }
}
