using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw6.Patching.Tests;

public sealed class AttributionPatchingTests : TorchTest
{
    [Test, Points(2)]
    public void Attribute_WhereTheMetricIsLinear_SumsToTheRealPatch()
    {
        var (model, _, _, metric) = Pairs.OnCheckpoint(Pairs.Long, Device);

        var attribution = AttributionPatching.Attribute(model, metric, ["ln_final.hook_normalized"])["ln_final.hook_normalized"];

        TensorAssert.Shape(attribution, [8, 35, 64], "the attribution of ln_final.hook_normalized: its activation's shape");
        // The logits are linear in ln_final.hook_normalized and the metric is linear in the logits: the first-order estimate
        // of patching all of it is exact, and patching all of it restores the clean run (metric 1).
        Assert.That(attribution.sum().ToDouble(), Is.EqualTo(1).Within(1e-4), "the sum of (clean - corrupted) * grad over ln_final.hook_normalized");
        Assert.That(model.HookedPointNames(), Is.Empty, "hook points that still have hooks");
    }

    [Test, Points(2)]
    public void Correlation_IsPearsons()
    {
        var a = tensor(new[] { 1f, 2f, 3f, 4f }).reshape(2, 2);
        var b = tensor(new[] { 2f, 1f, 4f, 3f }).reshape(2, 2);
        // The grids are float32, so r computed at their precision is as right as r computed in float64: the float32 budget
        // at r's scale (1) allows both, and is far below what an unbiased std (0.45 for 0.6) or no centring leaves.
        double allowed = Tolerance.For(ScalarType.Float32, DeviceType.CPU).Allowed(1, 1);

        Assert.That(AttributionPatching.Correlation(a.clone(), a * 3 + 1), Is.EqualTo(1).Within(allowed), "a grid against an increasing linear function of itself");
        Assert.That(AttributionPatching.Correlation(a, -a), Is.EqualTo(-1).Within(allowed), "a grid against its negation");
        Assert.That(AttributionPatching.Correlation(a, b), Is.EqualTo(0.6).Within(allowed), "[1, 2, 3, 4] against [2, 1, 4, 3]");
    }

    [Test, Points(3)]
    public void Grids_OnLongDistancePairs_MatchTheReference_AndTrackRealPatching()
    {
        var (model, _, _, metric) = Pairs.OnCheckpoint(Pairs.Long, Device);
        using var golden = Golden.Open("attribution_long");

        var residual = AttributionPatching.ResidualGrid(model, metric);
        var heads = AttributionPatching.HeadGrid(model, metric);

        golden.AssertClose("residual", residual, axes: ["layer", "position"]);
        golden.AssertClose("heads", heads, axes: ["layer", "head"]);
    }
}
