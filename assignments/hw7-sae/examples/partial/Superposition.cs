using static TorchSharp.torch;

namespace Hw7.Sae;

/// <summary>
/// Measures of how a trained toy model stores its features, read off <c>W [n_inst, d_hidden, n_features]</c>: column
/// <c>W_i = W[inst, :, i]</c> is feature <c>i</c>'s direction, <c>Ŵ_i = W_i / ‖W_i‖</c> its unit direction. A column of
/// zeros (a feature the model dropped) has <c>Ŵ_i = 0</c>, so its interference and its dimensionality are 0.
/// </summary>
public static class Superposition
{
    /// <summary>The threshold on <c>‖W_i‖</c> above which a feature counts as represented (a learned one has norm near 1).</summary>
    public const double RepresentedNorm = 0.5;

    /// <summary><c>[n_inst, n_features]</c>: <c>‖W_i‖</c>, the length of each feature's direction.</summary>
    public static Tensor Norms(Tensor W)
    {
        return W.norm(1, false, 2); // [n_inst, n_features]
    }

    /// <summary><c>[n_inst]</c> int64: how many features of each instance have <c>‖W_i‖ &gt; 0.5</c>.</summary>
    public static Tensor RepresentedCount(Tensor W)
    {
        return (Norms(W) > RepresentedNorm).sum([1]); // [n_inst]
    }

    /// <summary><c>[n_inst, n_features, n_features]</c>: <c>WᵀW</c> of each instance, entry (i, j) = <c>W_i · W_j</c>.</summary>
    public static Tensor Gram(Tensor W)
    {
        return einsum("nhi,nhj->nij", W, W); // [n_inst, n_features, n_features]
    }

    /// <summary>
    /// <c>[n_inst, n_features, n_features]</c>: entry (i, j) = <c>(Ŵ_i · W_j)²</c>, how much of feature j's direction lies
    /// along feature i's (row i is what feature i's read-out picks up from each feature; the diagonal is <c>‖W_i‖²</c>).
    /// </summary>
    public static Tensor Overlaps(Tensor W)
    {
        var norms = Norms(W).unsqueeze(1); // [n_inst, 1, n_features]
        var unit = where(norms > 0, W / norms, zeros_like(W)); // [n_inst, d_hidden, n_features]
        return einsum("nhi,nhj->nij", unit, W).pow(2); // [n_inst, n_features, n_features]
    }

    /// <summary>
    /// <c>[n_inst, n_features]</c>: feature i's interference, <c>Σ_{j≠i} (Ŵ_i · W_j)²</c>, the other features' squared
    /// projections on its direction (0 for orthogonal features, <c>‖W_j‖²</c> for an antipodal partner j).
    /// </summary>
    public static Tensor Interference(Tensor W)
    {
        var overlaps = Overlaps(W); // [n_inst, n_features, n_features]
        return overlaps.sum([2]) - overlaps.diagonal(0, 1, 2); // [n_inst, n_features]
    }

    /// <summary>
    /// <c>[n_inst, n_features]</c>: feature i's dimensionality <c>D_i = ‖W_i‖² / Σ_j (Ŵ_i · W_j)²</c> (the sum includes
    /// j = i), the fraction of a hidden dimension it gets: 1 alone in its direction, 1/2 in an antipodal pair, 2/5 in a
    /// pentagon, 0 when not represented (a zero column).
    /// </summary>
    public static Tensor Dimensionality(Tensor W)
    {
        var squared = Norms(W).pow(2); // [n_inst, n_features]
        var denominator = Overlaps(W).sum([2]); // [n_inst, n_features]
        return where(denominator > 0, squared / denominator, zeros_like(squared));
    }
}
