using static TorchSharp.torch;

namespace Hw7.Sae;

/// <summary>The numbers an SAE is judged by (as SAELens reports them).</summary>
public static class SaeMetrics
{
    /// <summary><c>z [batch, d_sae]</c> → the mean over the batch of the number of latents with <c>z &gt; 0</c>.</summary>
    public static double L0(Tensor z)
    {
        throw new NotImplementedException("SaeMetrics.L0: count z > 0 along the last dim, as float64, and average over the batch");
    }

    /// <summary>
    /// <c>x, x̂ [batch, d_in]</c> → <c>1 − Σ‖x − x̂‖² / Σ‖x − x̄‖²</c>, with <c>x̄</c> the mean of x over the batch:
    /// 1 for a perfect reconstruction, 0 for one no better than always answering the mean.
    /// </summary>
    public static double FractionOfVarianceExplained(Tensor x, Tensor reconstruction)
    {
        throw new NotImplementedException("SaeMetrics.FractionOfVarianceExplained: in float64: residual = Σ (x - x̂)²; total = Σ (x - x.mean over dim 0)²; 1 - residual / total");
    }

    /// <summary><c>counts [d_sae]</c> (<see cref="DeadLatents.Counts"/>) → the fraction of latents that never fired.</summary>
    public static double FractionDead(Tensor counts)
    {
        throw new NotImplementedException("SaeMetrics.FractionDead: the mean of counts == 0 as float64");
    }

    /// <summary>
    /// <c>counts [d_sae]</c> over <paramref name="inputs"/> inputs → <c>[d_sae]</c> float64: the fraction of inputs on which
    /// each latent fired. Its log10 histogram is the "feature density" plot of Anthropic's and SAELens's dashboards.
    /// </summary>
    public static Tensor Frequencies(Tensor counts, long inputs)
    {
        throw new NotImplementedException("SaeMetrics.Frequencies: counts as float64 divided by inputs");
    }
}
