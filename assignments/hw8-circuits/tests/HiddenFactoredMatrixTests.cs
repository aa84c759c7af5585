using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw8.Circuits.HiddenTests;

/// <summary>FactoredMatrix on other shapes, seeds and dtypes than the public tests', and without side effects.</summary>
public sealed class HiddenFactoredMatrixTests : TorchTest
{
    [Test, Points(2)]
    public void Svd_OfAProductWithOneColumn_IsRankOne()
    {
        using var seeded = new Seeded(8800);
        var (a, b) = (seeded.Randn([5, 4], ScalarType.Float64), seeded.Randn([4, 1], ScalarType.Float64)); // B [k, 1]: A B is one column
        var product = a.matmul(b); // [5, 1]

        var (u, s, v) = new FactoredMatrix(a, b).Svd();

        TensorAssert.Shape(u, [5, 1], "FactoredMatrix(A [5, 4], B [4, 1]).Svd().U: [m, r] with r = min(min(m, k), min(n, k)) = 1");
        TensorAssert.Shape(s, [1], "FactoredMatrix(A [5, 4], B [4, 1]).Svd().S: [1]");
        TensorAssert.Shape(v, [1, 1], "FactoredMatrix(A [5, 4], B [4, 1]).Svd().V: [n, r] = [1, 1]");
        TensorAssert.Close(s, product.square().sum().sqrt().reshape(1), name: "FactoredMatrix(A [5, 4], B [4, 1]).Svd().S: the one singular value is the column's norm");
        TensorAssert.Close((u * s).matmul(v.T), product, name: "FactoredMatrix(A [5, 4], B [4, 1]).Svd(): U diag(S) Vᵀ must be A B (U = Q_A U', V = Q_B V')");
    }

    [Test, Points(2)]
    public void Eigenvalues_WhenKExceedsM_AreTheProductsEigenvaluesAndZeros()
    {
        using var seeded = new Seeded(8801);
        var (a, b) = (seeded.Randn([3, 6], ScalarType.Float64), seeded.Randn([6, 3], ScalarType.Float64)); // A B [3, 3], B A [6, 6]
        var expected = cat([linalg.eigvals(a.matmul(b)), zeros(3, ScalarType.ComplexFloat64, Device)]); // [6]: A B's 3, then B A's 3 zeros

        var eigenvalues = new FactoredMatrix(a, b).Eigenvalues();

        TensorAssert.Shape(eigenvalues, [6], "FactoredMatrix(A [3, 6], B [6, 3]).Eigenvalues(): k = 6 eigenvalues, of the [k, k] product B A");
        AssertSameSpectrum(eigenvalues, expected, "FactoredMatrix(A [3, 6], B [6, 3]).Eigenvalues(): A B's 3 eigenvalues and 3 zeros (torch.linalg.eigvals(B.matmul(A)))");
    }

    [Test, Points(2)]
    public void Float32Factors_GiveFloat32Results_CloseToTheFloat64Products()
    {
        using var seeded = new Seeded(8802);
        var (a, b, other) = (seeded.Randn([7, 4]), seeded.Randn([4, 7]), seeded.Randn([7, 3])); // float32
        var (a64, b64, other64) = (a.to(ScalarType.Float64), b.to(ScalarType.Float64), other.to(ScalarType.Float64));
        var product = a64.matmul(b64); // [7, 7] float64
        var matrix = new FactoredMatrix(a, b);

        TensorAssert.Close(matrix.AB, product.to(ScalarType.Float32), name: "FactoredMatrix(A [7, 4], B [4, 7]) float32: AB");
        TensorAssert.Close(matrix.T.AB, product.T.to(ScalarType.Float32), name: "float32: T.AB must be (A B)ᵀ");
        TensorAssert.Close(matrix.MatMul(other).AB, product.matmul(other64).to(ScalarType.Float32), name: "float32: MatMul(M).AB must be A B M");
        TensorAssert.Close(matrix.Norm(), product.square().sum().sqrt().to(ScalarType.Float32), name: "float32: Norm() must be the Frobenius norm of A B, sqrt(sum((AᵀA) * (B Bᵀ)))");
        var (u, s, v) = matrix.Svd();
        TensorAssert.Close(s, linalg.svdvals(product).narrow(0, 0, 4).to(ScalarType.Float32), name: "float32: Svd().S must be the 4 largest singular values of A B, descending");
        TensorAssert.Close((u * s).matmul(v.T), product.to(ScalarType.Float32), name: "float32: Svd(): U diag(S) Vᵀ must be A B");
        AssertSameSpectrum(matrix.Eigenvalues(), LargestInMagnitude(linalg.eigvals(product), 4).to(ScalarType.ComplexFloat32),
            "float32: Eigenvalues() must be the 4 nonzero eigenvalues of A B, through B A");
    }

    [Test, Points(2)]
    public void Methods_DoNotChangeTheirInputs()
    {
        using var seeded = new Seeded(8803);
        var (a, b) = (seeded.Randn([5, 3]), seeded.Randn([3, 5]));
        var (left, right, c, d) = (seeded.Randn([2, 5]), seeded.Randn([5, 4]), seeded.Randn([5, 2]), seeded.Randn([2, 3]));
        Tensor[] inputs = [a, b, left, right, c, d];
        var before = inputs.Select(t => t.clone()).ToArray();
        var matrix = new FactoredMatrix(a, b);

        var (transposed, ab, timesRight, leftTimes, timesFactored) =
            (matrix.T.AB, matrix.AB, matrix.MatMul(right).AB, matrix.LeftMatMul(left).AB, matrix.MatMul(new FactoredMatrix(c, d)).AB);
        var norm = matrix.Norm();
        _ = (matrix.Eigenvalues(), matrix.Svd());

        string[] names = ["A", "B", "M of LeftMatMul(M)", "M of MatMul(M)", "C of MatMul(FactoredMatrix(C, D))", "D of MatMul(FactoredMatrix(C, D))"];
        for (int i = 0; i < inputs.Length; i++)
            TensorAssert.Close(inputs[i], before[i], Tolerance.Exact, $"{names[i]} after calling every FactoredMatrix method: the inputs must not change (no in-place ops such as matmul_, mul_, t_)");

        // And the same calls' values, from the copies taken before them.
        var product = before[0].matmul(before[1]); // [5, 5]
        TensorAssert.Close(ab, product, name: "FactoredMatrix(A [5, 3], B [3, 5]).AB must be A B");
        TensorAssert.Close(transposed, product.T, name: "T.AB must be (A B)ᵀ");
        TensorAssert.Close(timesRight, product.matmul(before[3]), name: "MatMul(M).AB must be A B M");
        TensorAssert.Close(leftTimes, before[2].matmul(product), name: "LeftMatMul(M).AB must be M A B");
        TensorAssert.Close(timesFactored, product.matmul(before[4]).matmul(before[5]), name: "MatMul(FactoredMatrix(C, D)).AB must be A B C D");
        TensorAssert.Close(norm, product.square().sum().sqrt(), name: "Norm() must be the Frobenius norm of A B");
    }

    /// <summary>
    /// The handout's "without forming A B", on a product that cannot be formed: u vᵀ with u, v of a million entries is
    /// 8 TB in float64, yet its norm (‖u‖ ‖v‖), its one singular value and vectors (u/‖u‖, v/‖v‖, up to a shared sign)
    /// and its one nonzero eigenvalue (v·u) come from the factors in milliseconds.
    /// </summary>
    [Test, Points(2)]
    public void Norm_Svd_AndEigenvalues_OfAProductTooLargeToForm_ComeFromTheFactors()
    {
        const long n = 1_000_000;
        using var seeded = new Seeded(8804);
        var (u, v) = (seeded.Randn([n, 1], ScalarType.Float64), seeded.Randn([1, n], ScalarType.Float64)); // A [n, 1], B [1, n]
        var (normU, normV) = (u.norm(), v.norm()); // 0-d each
        var matrix = new FactoredMatrix(u.clone(), v.clone());
        const string what = "FactoredMatrix(A [1000000, 1], B [1, 1000000])";

        // Forming A B fails here, at the allocation of its 8 TB, which libtorch reports for the matmul that asked for it.
        var norm = matrix.Norm();
        var (U, S, V) = matrix.Svd();
        var eigenvalues = matrix.Eigenvalues();

        TensorAssert.Close(norm, normU * normV, name: $"{what}.Norm(): the Frobenius norm of u vᵀ is ‖u‖ ‖v‖");
        TensorAssert.Shape(U, [n, 1], $"{what}.Svd().U: [m, r] with r = 1");
        TensorAssert.Shape(V, [n, 1], $"{what}.Svd().V: [n, r] with r = 1");
        TensorAssert.Close(S, (normU * normV).reshape(1), name: $"{what}.Svd().S: the one singular value of u vᵀ is ‖u‖ ‖v‖");
        var sign = U[0, 0].sign(); // U and V may both be negated
        TensorAssert.Close(U * sign, u / normU, name: $"{what}.Svd().U: the left singular vector of u vᵀ is u / ‖u‖, up to sign");
        TensorAssert.Close(V * sign, v.T / normV, name: $"{what}.Svd().V: the right singular vector of u vᵀ is v / ‖v‖, with the sign that makes U S Vᵀ = u vᵀ");
        TensorAssert.Shape(eigenvalues, [1], $"{what}.Eigenvalues(): k = 1 eigenvalue, of the [k, k] product B A");
        Assert.That(eigenvalues.is_complex(), Is.True, $"{what}.Eigenvalues(): expected complex eigenvalues (torch.linalg.eigvals), got {eigenvalues.dtype}");
        TensorAssert.Close(eigenvalues.real, v.matmul(u).reshape(1), name: $"{what}.Eigenvalues(): the one nonzero eigenvalue of u vᵀ is v·u");
        TensorAssert.Close(eigenvalues.imag, zeros(1, ScalarType.Float64, Device), name: $"{what}.Eigenvalues(): v·u is real");
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
}
