using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw6.Patching.Tests;

public sealed class AttributionPatchingTests : TorchTest
{
    [Test, Points(2)]
    public void Attribute_WhereTheMetricIsLinear_SumsToTheRealPatch_ForHookPointsInAnyOrder_EvenWhenCalledWithoutGradients()
    {
        var (model, vocabulary, batch, metric) = Pairs.OnCheckpoint(Pairs.Long, Device);
        var callersPoint = model.Hook("blocks.1.hook_resid_post"); // for a caller's own hook, below

        // The exact attribution, computed here: the metric is (mean over pairs of sign * (logit("s") - logit(" ")) at the last
        // position - Corrupted) / (Clean - Corrupted), and the logits are (normalized * w + b) @ W_U + b_U, so its gradient with
        // respect to ln_final.hook_normalized is sign * w * (W_U[:, "s"] - W_U[:, " "]) / (batch * (Clean - Corrupted)) at the
        // last position and 0 elsewhere, the same at every point.
        Tensor expected;
        using (no_grad())
        {
            var normalized = new List<Tensor>(); // clean, then corrupted: [batch, pos, d_model] each
            var logits = new List<Tensor>();
            using (model.Hook("ln_final.hook_normalized").AddHook((activation, _) => { normalized.Add(activation.detach().clone()); return null; }))
            {
                logits.Add(model.call(batch.Clean.to(Device)));
                logits.Add(model.call(batch.Corrupted.to(Device)));
            }
            double clean = Pairs.SignedLogitDiffs(logits[0], Pairs.Long, vocabulary).Average();
            double corrupted = Pairs.SignedLogitDiffs(logits[1], Pairs.Long, vocabulary).Average();
            var direction = model.ln_final.w.detach() * (model.W_U.detach()[.., vocabulary.Id('s')] - model.W_U.detach()[.., vocabulary.Id(' ')]); // [d_model]
            var sign = tensor(Pairs.Long.Select(p => p.PluralClean ? -1f : 1f).ToArray()).to(Device).unsqueeze(1); // [batch, 1]
            var last = (normalized[0][.., -1] - normalized[1][.., -1]) * sign * direction / (Pairs.Long.Length * (clean - corrupted)); // [batch, d_model]
            expected = cat([zeros(8, 34, 64, device: Device), last.unsqueeze(1)], 1); // [batch, pos, d_model]
        }

        Tensor? attribution = null;
        using (no_grad()) // as the rest of the lab runs: Attribute turns gradients on for itself (enable_grad())
        {
            try
            {
                attribution = AttributionPatching.Attribute(model, metric, ["ln_final.hook_normalized"])["ln_final.hook_normalized"];
                Assert.That(is_grad_enabled(), Is.False,
                    "autograd after Attribute returned to a caller under no_grad: still on, so enable_grad() was never disposed (using var grad = enable_grad(), which puts the mode back)");
            }
            catch (System.Runtime.InteropServices.ExternalException e)
            {
                Assert.Fail($"Attribute called under no_grad threw ({e.Message.Split('\n')[0]}): its backward needs gradients, so turn them on inside it with enable_grad(), as the handout says");
            }
        }

        TensorAssert.Shape(attribution, [8, 35, 64], "the attribution of ln_final.hook_normalized: its activation's shape");
        // The logits are linear in ln_final.hook_normalized and the metric is linear in the logits: the first-order estimate
        // of patching all of it is exact, and patching all of it restores the clean run (metric 1).
        Assert.That(attribution!.sum().ToDouble(), Is.EqualTo(1).Within(1e-4), "the sum of (clean - corrupted) * grad over ln_final.hook_normalized");
        TensorAssert.Close(attribution, expected, name:
            "the attribution of ln_final.hook_normalized element by element, against (clean - corrupted) * grad computed by the test: return the elementwise product, the shape of the activation, not a dot product over d_model spread over it or summed");
        Assert.That(model.HookedPointNames(), Is.Empty, "hook points that still have hooks");

        // Each hook point named gets its own attribution, detached, whatever order the names come in.
        string[] inOrder = ["blocks.0.hook_resid_pre", "blocks.1.hook_resid_pre"];
        IReadOnlyDictionary<string, Tensor> forward;
        using (callersPoint.AddHook((_, _) => null)) // a caller's own hook, on while Attribute runs
        {
            forward = AttributionPatching.Attribute(model, metric, [.. inOrder]);
            Assert.That(model.HookedPointNames(), Is.EquivalentTo(new[] { "blocks.1.hook_resid_post" }),
                "hook points with hooks right after Attribute returned, while the test's own hook on blocks.1.hook_resid_post is on: expected only the test's (remove your hooks by disposing their handles, never with ResetHooks(), which also removes other callers' hooks)");
        }
        var reversed = AttributionPatching.Attribute(model, metric, [.. inOrder.Reverse()]);
        foreach (var name in inOrder)
        {
            Assert.That(forward[name].requires_grad, Is.False, $"requires_grad of the attribution of {name} (with {inOrder[0]} hooked too): Attribute returns detached tensors");
            TensorAssert.Close(reversed[name], forward[name], name:
                $"the attribution of {name} with the names given in reverse forward order, against in forward order: keep each hook's activation and delta under the name of the hook point that fired (hook.Name)");
        }
    }

    [Test, Points(2)]
    public void Correlation_IsPearsons_OfTheCellsInOrder_LeavingTheGridsAsTheyWere()
    {
        var a = tensor(new[] { 1f, 2f, 3f, 4f }).reshape(2, 2);
        var b = tensor(new[] { 2f, 1f, 4f, 3f }).reshape(2, 2);
        // The grids are float32, so r computed at their precision is as right as r computed in float64: the float32 budget
        // at r's scale (1) allows both, and is far below what an unbiased std (0.45 for 0.6) or no centring leaves.
        double allowed = Tolerance.For(ScalarType.Float32, DeviceType.CPU).Allowed(1, 1);

        Assert.That(AttributionPatching.Correlation(a.clone(), a * 3 + 1), Is.EqualTo(1).Within(allowed), "a grid against an increasing linear function of itself");
        Assert.That(AttributionPatching.Correlation(a, -a), Is.EqualTo(-1).Within(allowed), "a grid against its negation");
        Assert.That(AttributionPatching.Correlation(a, b), Is.EqualTo(0.6).Within(allowed), "[1, 2, 3, 4] against [2, 1, 4, 3]");
        Assert.That(AttributionPatching.Correlation(tensor(new[] { 1f, 2f, 3f, 10f }), tensor(new[] { 1f, 2f, 3f, 4f })), Is.EqualTo(0.88544).Within(1e-5),
            "[1, 2, 3, 10] against [1, 2, 3, 4]: Pearson's r of the values, 14 / √(50 · 5) (the ranks' correlation would be 1)");
        Assert.That(AttributionPatching.Correlation(a.reshape(4), b), Is.EqualTo(0.6).Within(allowed),
            "[1, 2, 3, 4] as a [4] against [2, 1, 4, 3] as a [2, 2]: grids of other shapes with as many cells are paired cell by cell (flatten both)");
        Assert.That(AttributionPatching.Correlation(a.reshape(4, 1), b.reshape(4)), Is.EqualTo(0.6).Within(allowed),
            "[1, 2, 3, 4] as a [4, 1] against [2, 1, 4, 3] as a [4] (without flattening they broadcast to [4, 4])");
        TensorAssert.Close(a, tensor(new[] { 1f, 2f, 3f, 4f }).reshape(2, 2), Tolerance.Exact, "the first grid after Correlation: centre copies, not the caller's grids");
        TensorAssert.Close(b, tensor(new[] { 2f, 1f, 4f, 3f }).reshape(2, 2), Tolerance.Exact, "the second grid after Correlation: centre copies, not the caller's grids");
        // Float64 grids: converting them to float64 makes no copy, so centring in place would shift the caller's grids.
        var (a64, b64) = (tensor(new[] { 1.0, 2.0, 3.0, 4.0 }).reshape(2, 2), tensor(new[] { 2.0, 1.0, 4.0, 3.0 }).reshape(2, 2));
        Assert.That(AttributionPatching.Correlation(a64, b64), Is.EqualTo(0.6).Within(allowed), "[1, 2, 3, 4] against [2, 1, 4, 3], both float64");
        TensorAssert.Close(a64, tensor(new[] { 1.0, 2.0, 3.0, 4.0 }).reshape(2, 2), Tolerance.Exact,
            "a float64 first grid after Correlation: centre copies (a = a - a.mean()), not the caller's grid (.to(Float64) of a float64 tensor is the tensor itself, so a.sub_ changes it)");
        TensorAssert.Close(b64, tensor(new[] { 2.0, 1.0, 4.0, 3.0 }).reshape(2, 2), Tolerance.Exact,
            "a float64 second grid after Correlation: centre copies (b = b - b.mean()), not the caller's grid (.to(Float64) of a float64 tensor is the tensor itself, so b.sub_ changes it)");
    }

    [Test, Points(3)]
    public void Grids_OnLongDistancePairs_MatchTheReference_AndTrackRealPatching()
    {
        using var golden = Golden.Open("attribution_long");
        var (model, _, _, metric) = Pairs.OnCheckpoint(Pairs.DrawLong(golden), Device);

        var residual = AttributionPatching.ResidualGrid(model, metric);
        var heads = AttributionPatching.HeadGrid(model, metric);

        golden.AssertClose("residual", residual, "AttributionPatching.ResidualGrid [n_layers, pos]: (clean - corrupted) * grad summed over batch, d_model", axes: ["layer", "position"]);
        golden.AssertClose("heads", heads, "AttributionPatching.HeadGrid [n_layers, n_heads]: (clean - corrupted) z * grad, summed over the rest", axes: ["layer", "head"]);
    }
}
