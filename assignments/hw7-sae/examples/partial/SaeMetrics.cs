using static TorchSharp.torch;

namespace Hw7.Sae;

/// <summary>The numbers an SAE is judged by (as SAELens reports them).</summary>
public static class SaeMetrics
{
    /// <summary><c>z [batch, d_sae]</c> → the mean over the batch of the number of latents with <c>z &gt; 0</c>.</summary>
    public static double L0(Tensor z)
    {
        return (z > 0).sum([-1], type: ScalarType.Float64).mean().item<double>();
    }

    /// <summary>
    /// <c>x, x̂ [batch, d_in]</c> → <c>1 − Σ‖x − x̂‖² / Σ‖x − x̄‖²</c>, with <c>x̄</c> the mean of x over the batch:
    /// 1 for a perfect reconstruction, 0 for one no better than always answering the mean.
    /// </summary>
    public static double FractionOfVarianceExplained(Tensor x, Tensor reconstruction)
    {
        var x64 = x.to(ScalarType.Float64);
        var residual = (x64 - reconstruction.to(ScalarType.Float64)).pow(2).sum();
        var total = (x64 - x64.mean([0], keepdim: true)).pow(2).sum();
        return 1 - (residual / total).item<double>();
    }

    /// <summary><c>counts [d_sae]</c> (<see cref="DeadLatents.Counts"/>) → the fraction of latents that never fired.</summary>
    public static double FractionDead(Tensor counts)
    {
        return counts.eq(0).to(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>
    /// <c>counts [d_sae]</c> over <paramref name="inputs"/> inputs → <c>[d_sae]</c> float64: the fraction of inputs on which
    /// each latent fired. Its log10 histogram is the "feature density" plot of Anthropic's and SAELens's dashboards.
    /// </summary>
    public static Tensor Frequencies(Tensor counts, long inputs)
    {
        return counts.to(ScalarType.Float64) / inputs;
    }
}
