using static TorchSharp.torch;

namespace Hw8.Circuits;

/// <summary>
/// The product <c>A B</c> of two matrices kept as its two factors, as TransformerLens's <c>FactoredMatrix</c> does:
/// A [m, k] and B [k, n] stand for the [m, n] matrix A B, which is never formed densely where that can be avoided.
/// A circuit such as W_E W_Q W_Kᵀ W_Eᵀ is [d_vocab, d_vocab] but of rank at most d_head; kept factored, its norm,
/// eigenvalues and SVD cost [k, k] work instead of [m, n].
/// </summary>
public sealed class FactoredMatrix
{
    /// <summary>The product of <paramref name="A"/> [m, k] and <paramref name="B"/> [k, n].</summary>
    /// <exception cref="ArgumentException">Unless both are 2-D and A's columns match B's rows.</exception>
    public FactoredMatrix(Tensor A, Tensor B)
    {
        if (A.dim() != 2 || B.dim() != 2)
            throw new ArgumentException($"FactoredMatrix needs two 2-D factors, got A of shape [{string.Join(", ", A.shape)}] and B of shape [{string.Join(", ", B.shape)}]");
        if (A.shape[1] != B.shape[0])
            throw new ArgumentException($"FactoredMatrix: A [{A.shape[0]}, {A.shape[1]}] has {A.shape[1]} columns but B [{B.shape[0]}, {B.shape[1]}] has {B.shape[0]} rows; A B needs them equal");
        this.A = A;
        this.B = B;
    }

    /// <summary>The left factor, [m, k].</summary>
    public Tensor A { get; }

    /// <summary>The right factor, [k, n].</summary>
    public Tensor B { get; }

    /// <summary>m: the rows of A B.</summary>
    public long Rows => A.shape[0];

    /// <summary>n: the columns of A B.</summary>
    public long Columns => B.shape[1];

    /// <summary>k: the inner dimension the product is kept at (TransformerLens's <c>mdim</c>).</summary>
    public long InnerDim => A.shape[1];

    /// <summary>[m, n], the shape of A B.</summary>
    public long[] Shape => [Rows, Columns];

    /// <summary>The transpose (A B)ᵀ = Bᵀ Aᵀ, still factored: [n, m] with inner dimension k (TransformerLens's <c>.T</c>).</summary>
    public FactoredMatrix T
    {
        get
        {
            return new FactoredMatrix(B.T, A.T); // [n, k] [k, m]
        }
    }

    /// <summary>The dense product A B, [m, n] (TransformerLens's <c>.AB</c>).</summary>
    public Tensor AB
    {
        get
        {
            return A.matmul(B); // [m, n]
        }
    }

    /// <summary>(A B) M = A (B M) for <paramref name="other"/> M [n, p]: [m, p], kept at inner dimension k (<c>AB @ M</c>).</summary>
    public FactoredMatrix MatMul(Tensor other)
    {
        return new FactoredMatrix(A, B.matmul(other)); // [m, k] [k, p]
    }

    /// <summary>M (A B) = (M A) B for <paramref name="other"/> M [p, m]: [p, n], kept at inner dimension k (<c>M @ AB</c>).</summary>
    public FactoredMatrix LeftMatMul(Tensor other)
    {
        return new FactoredMatrix(other.matmul(A), B); // [p, k] [k, n]
    }

    /// <summary>
    /// (A B)(C D) = A ((B C) D) for <paramref name="other"/> = C D [n, p]: [m, p], kept at this matrix's inner
    /// dimension k (A stays the left factor; only B C D [k, p] is formed).
    /// </summary>
    public FactoredMatrix MatMul(FactoredMatrix other)
    {
        return new FactoredMatrix(A, B.matmul(other.A).matmul(other.B)); // [m, k] [k, p]
    }

    /// <summary>
    /// The Frobenius norm ‖A B‖_F as a 0-d tensor, without forming A B: ‖A B‖²_F = tr(Bᵀ Aᵀ A B) = tr((AᵀA)(B Bᵀ)) =
    /// sum((AᵀA) ⊙ (B Bᵀ)), two [k, k] products (both symmetric). TransformerLens's <c>.norm()</c>.
    /// </summary>
    public Tensor Norm()
    {
        var gramA = A.T.matmul(A); // [k, k]
        var gramB = B.matmul(B.T); // [k, k]
        return (gramA * gramB).sum().sqrt(); // []
    }

    /// <summary>
    /// The eigenvalues of A B (square, m = n) through the small product B A [k, k]: <c>torch.linalg.eigvals(B @ A)</c>,
    /// complex, [k], in no particular order (TransformerLens's <c>.eigenvalues</c>). A B and B A have the same nonzero
    /// eigenvalues (A B x = λx gives B A (B x) = λ(B x)). When k &lt; m, A B has m − k more eigenvalues, all 0, that
    /// this leaves out; when k &gt; m, B A has k − m more, all (numerically) 0, that this includes.
    /// </summary>
    /// <exception cref="InvalidOperationException">Unless A B is square (m = n).</exception>
    public Tensor Eigenvalues()
    {
        if (Rows != Columns)
            throw new InvalidOperationException($"Eigenvalues need a square matrix, but A B is [{Rows}, {Columns}]");
        return linalg.eigvals(B.matmul(A)); // [k] complex
    }

    /// <summary>
    /// The thin SVD of A B through QR of the factors (TransformerLens's <c>.svd()</c>): A = Q_A R_A and Bᵀ = Q_B R_B
    /// (<c>torch.linalg.qr</c>, reduced), so A B = Q_A (R_A R_Bᵀ) Q_Bᵀ; the SVD of the small R_A R_Bᵀ = U' S V'ᵀ
    /// (<c>torch.linalg.svd</c>, full_matrices=False) gives U = Q_A U' [m, r], S [r] (descending) and V = Q_B V' [n, r],
    /// with r = min(min(m, k), min(n, k)), so that U diag(S) Vᵀ = A B. V, not Vᵀ: its columns are the right singular
    /// vectors. Holds for any shapes (A wide, B tall) and any rank.
    /// </summary>
    public (Tensor U, Tensor S, Tensor V) Svd()
    {
        var (qA, rA) = linalg.qr(A); // [m, min(m, k)] [min(m, k), k]
        var (qB, rB) = linalg.qr(B.T); // [n, min(n, k)] [min(n, k), k]
        var (u, s, vh) = linalg.svd(rA.matmul(rB.T), fullMatrices: false); // [min(m, k), r] [r] [r, min(n, k)]
        return (qA.matmul(u), s, qB.matmul(vh.T)); // [m, r] [r] [n, r]
    }
}
