using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw6.Patching.HiddenTests;

/// <summary>
/// Attribution patching is an estimate: it is judged by how well it tracks real patching, against how well the reference's
/// does on the same pairs. The real grids are the reference's, recorded; the correlation is computed here, not by the
/// student's <see cref="AttributionPatching.Correlation"/>.
/// </summary>
public sealed class AttributionCorrelationTests : TorchTest
{
    /// <summary>
    /// What the estimate may lose against the reference's correlation. Float noise moves a correlation of 36 or 74 cells by far
    /// less than 1e-3; a wrong sign, a missing batch sum or a gradient at the clean run moves it by more than 0.1.
    /// </summary>
    const double Margin = 0.02;

    [Test, Points(4)]
    public void ResidualEstimate_OnLongPairs_TracksRealPatching_AtLeastAsWellAsTheReferences()
    {
        var (model, _, _, metric) = HiddenPairs.OnCheckpoint(HiddenPairs.Long, Device);
        using var golden = Golden.Open("attribution_correlation_long");
        var real = golden.Input("real_residual", () => ResidualPatching.Grid(model, metric)); // recorded from the reference
        var referenceEstimate = golden.Input("reference_residual", () => AttributionPatching.ResidualGrid(model, metric));

        var estimate = AttributionPatching.ResidualGrid(model, metric);

        AssertTracks(estimate, real, referenceEstimate, "the residual-stream estimate [layer, position]");
    }

    [Test, Points(4)]
    public void HeadEstimate_OnLongPairs_TracksRealPatching_AtLeastAsWellAsTheReferences()
    {
        var (model, _, _, metric) = HiddenPairs.OnCheckpoint(HiddenPairs.Long, Device);
        var hookZ = HookZ(model);
        using var golden = Golden.Open("attribution_correlation_heads_long");
        var real = golden.Input("real_heads", () => HeadPatching.OutputsByPosition(model, metric)); // recorded from the reference
        var referenceEstimate = golden.Input("reference_heads", () => HeadsByPosition(AttributionPatching.Attribute(model, metric, hookZ)));

        var estimate = HeadsByPosition(AttributionPatching.Attribute(model, metric, hookZ));

        AssertTracks(estimate, real, referenceEstimate, "the estimate of each head at each position [layer, head, position] (from Attribute of every hook_z)");
    }

    static string[] HookZ(Course.Lens.HookedTransformer model) => [.. Enumerable.Range(0, (int)model.Config.n_layers).Select(l => $"blocks.{l}.attn.hook_z")];

    /// <summary><c>[batch, pos, head, d_head]</c> per layer → <c>[n_layers, n_heads, pos]</c>, summed over the batch and <c>d_head</c>.</summary>
    static Tensor HeadsByPosition(IReadOnlyDictionary<string, Tensor> attributions) =>
        stack([.. attributions.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Value.sum([0, 3]).transpose(0, 1))]).cpu();

    static void AssertTracks(Tensor estimate, Tensor real, Tensor referenceEstimate, string what)
    {
        TensorAssert.Shape(estimate, real.shape, what);
        double floor = Pearson(referenceEstimate, real) - Margin, got = Pearson(estimate, real);
        Assert.That(got, Is.GreaterThanOrEqualTo(floor),
            $"{what}: its correlation with real activation patching is {got:F3}; the reference's estimate reaches {floor + Margin:F3} (allowed {Margin} less)");
        // Tracking real patching is not being it: the model is not linear, so the first-order estimate (the reference's) differs
        // from real patching by a known amount, and a correct estimate lies within float noise of the reference's. Real
        // patching returned as the estimate (a perfect correlation) lies that whole distance away. Deterministic: no seed.
        double fromReference = Distance(estimate, referenceEstimate), realFromReference = Distance(real, referenceEstimate);
        Assert.That(fromReference, Is.Not.NaN.And.LessThan(realFromReference / 2),
            $"{what}: its distance from the reference's estimate is {fromReference:G3}, while real activation patching is {realFromReference:G3} from it: return the linear estimate, (clean - corrupted) times the gradient at the corrupted run, not real patching or a rescaled estimate");
    }

    /// <summary>The Euclidean distance between two grids' cells, in float64.</summary>
    static double Distance(Tensor a, Tensor b) => (a.flatten().to(ScalarType.Float64).cpu() - b.flatten().to(ScalarType.Float64).cpu()).norm().ToDouble();

    static double Pearson(Tensor a, Tensor b)
    {
        var x = a.flatten().to(ScalarType.Float64).cpu();
        var y = b.flatten().to(ScalarType.Float64).cpu();
        x -= x.mean();
        y -= y.mean();
        return ((x * y).sum() / (x.norm() * y.norm())).ToDouble();
    }
}
