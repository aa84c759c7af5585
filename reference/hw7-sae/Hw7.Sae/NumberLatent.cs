using Course.Lens;
using Course.Lens.Agreement;
using static TorchSharp.torch;

namespace Hw7.Sae;

/// <summary>
/// Does the SAE have a latent for the subject's number? Score every latent by how well its activation at the verb
/// position separates plural from singular subjects (<see cref="Auroc"/>), and compare the best one's decoder row with the
/// difference of the two classes' mean residuals, the direction a difference-of-means probe finds (hw5).
/// </summary>
public static class NumberLatent
{
    /// <param name="Latent">The latent's index.</param>
    /// <param name="Auroc">Its AUROC for a plural subject, turned to ≥ 0.5 (a latent that fires for singular subjects counts too).</param>
    /// <param name="FiresForPlural">Whether its AUROC for a plural subject is ≥ 0.5: it is higher for plural subjects, or
    /// exactly 0.5 (true for a latent that never fires).</param>
    public sealed record Best(int Latent, double Auroc, bool FiresForPlural);

    /// <summary>
    /// The latent whose activation in <paramref name="latents"/> <c>[n, d_sae]</c> best separates <paramref name="plural"/>
    /// <c>[n]</c> (bool) from singular: the largest of <c>max(AUROC, 1 − AUROC)</c>, the lowest index on a tie. Latents that
    /// never fire score 0.5.
    /// </summary>
    public static Best Find(Tensor latents, Tensor plural)
    {
        // BEGIN SOLUTION: Auroc.Of of each latent's column against plural; keep the largest max(a, 1 - a), the first on a tie
        var best = new Best(-1, -1, false);
        for (int j = 0; j < latents.shape[1]; j++)
        {
            var a = Auroc.Of(latents[.., j], plural);
            var separation = Math.Max(a, 1 - a);
            if (separation > best.Auroc) best = new Best(j, separation, a >= 0.5);
        }
        return best;
        // END SOLUTION
    }

    /// <summary>
    /// The difference-of-means direction <c>[d_model]</c>, float32 like the residuals: mean of <paramref name="residuals"/>
    /// <c>[n, d_model]</c> over plural subjects minus the mean over singular ones.
    /// </summary>
    public static Tensor DiffOfMeans(Tensor residuals, Tensor plural)
    {
        // BEGIN SOLUTION: mean of the rows where plural is true minus the mean of the rows where it is false (index with the mask and its negation)
        var mask = plural.to(residuals.device);
        return residuals[mask].mean([0]) - residuals[~mask].mean([0]);
        // END SOLUTION
    }

    /// <summary>The cosine similarity of two vectors <c>[d]</c>, as a double.</summary>
    public static double Cosine(Tensor a, Tensor b)
    {
        // BEGIN SOLUTION: a · b / (‖a‖ ‖b‖), in float64
        var (x, y) = (a.to(ScalarType.Float64), b.to(ScalarType.Float64));
        return (x.dot(y) / (x.norm() * y.norm())).item<double>();
        // END SOLUTION
    }
}
