using Course.Lens;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw6.Patching.Tests;

public sealed class ActivationPatchingTests : TorchTest
{
    [Test, Points(1)]
    public void CleanActivations_AreTheCleanRunsActivations_Detached_FromARunWithoutGradients_AndLeaveNoHookBehind()
    {
        var (model, _, batch, _) = Pairs.OnCheckpoint(Pairs.Short, Device);
        Tensor? seen = null;
        using (model.Hook("blocks.1.hook_resid_pre").AddHook((activation, _) => { seen = activation.detach().clone(); return null; }))
        using (no_grad())
            model.call(batch.Clean.to(Device));
        // As while the model is trained: an activation that is not detached (or not computed under no_grad) now requires grad.
        var gradients = new GradientWatch(model);
        IReadOnlyDictionary<string, Tensor> clean;
        using (enable_grad()) // a caller with autograd on, whatever the test's setup (PatchingMetric.Measure) left
        using (gradients)
        {
            clean = ActivationPatching.CleanActivations(model, batch, ["blocks.1.hook_resid_pre", "blocks.0.attn.hook_z"]);
            Assert.That(model.HookedPointNames(), Is.EquivalentTo(new[] { "blocks.1.hook_resid_post" }),
                "hook points with hooks right after CleanActivations, while the test's own hook on blocks.1.hook_resid_post is on: remove your hooks by disposing their handles, never with ResetHooks(), which also removes other callers' hooks");
            Assert.That(is_grad_enabled(), Is.True,
                "autograd after ActivationPatching.CleanActivations returned to a caller that had it on: still off, so no_grad() was never disposed (using var noGrad = no_grad(), which puts the mode back)");
        }

        Assert.That(clean.Keys, Is.EquivalentTo(new[] { "blocks.1.hook_resid_pre", "blocks.0.attn.hook_z" }), "one activation per name asked for");
        TensorAssert.Close(clean["blocks.1.hook_resid_pre"], seen!, name: "the clean run's blocks.1.hook_resid_pre");
        Assert.That(clean["blocks.0.attn.hook_z"].shape, Is.EqualTo(new long[] { 8, 14, 4, 16 }), "hook_z is [batch, pos, head, d_head]");
        Assert.That(clean["blocks.1.hook_resid_pre"].requires_grad, Is.False, "requires_grad of a cached activation while the model's parameters require grad (store activation.detach(), and run the clean prompts under no_grad)");
        Assert.That(gradients.Seen, Is.Not.Empty.And.All.False, "gradients on as the forward pass of the model in CleanActivations began, while its parameters require grad: expected off (run the clean prompts under no_grad, as the doc says)");
        Assert.That(model.HookedPointNames(), Is.Empty, "hook points that still have hooks");
    }

    [Test, Points(2)]
    public void Patch_ThatKeepsTheCorruptedActivation_ScoresZero_InARunWithoutGradients()
    {
        var (model, _, batch, metric) = Pairs.OnCheckpoint(Pairs.Long, Device);
        // As while the model is trained: an activation of a run with gradients on now requires grad.
        foreach (var parameter in model.parameters()) parameter.requires_grad_(true);
        var corruptedRun = Capture(model, batch.Corrupted, "blocks.1.hook_resid_pre");
        long pos = batch.Length; // read before homework code has the batch
        using var passes = model.WatchPasses(); // before homework code has the model: whether gradients were on as each pass began
        var clean = ActivationPatching.CleanActivations(model, batch, ["blocks.1.hook_resid_pre"]);
        var beforePatch = passes.GradientsOn.Count;
        Tensor? given = null;

        double score;
        bool gradAfter;
        IReadOnlyList<bool> gradientsOn;
        using (enable_grad()) // a caller with autograd on, whatever the calls before (PatchingMetric.Measure, CleanActivations) left
        {
            score = ActivationPatching.Patch(model, metric, "blocks.1.hook_resid_pre", clean["blocks.1.hook_resid_pre"], (corrupted, _) =>
            {
                given ??= corrupted.detach().clone();
                return corrupted;
            });
            gradAfter = is_grad_enabled();
            gradientsOn = [.. passes.GradientsOn.Skip(beforePatch)];
        }
        // Patch uses the clean activation and the metric it is given: the corrupted run's own activation everywhere leaves
        // the corrupted run (0), and a metric with Clean and Corrupted swapped scores the corrupted run 1.
        var corruptedEverywhere = ActivationPatching.Patch(model, metric, "blocks.1.hook_resid_pre", corruptedRun.clone(),
            ActivationPatching.Where(PatchMask.All(pos).reshape(1, -1, 1)));
        var swapped = metric with { Clean = metric.Corrupted, Corrupted = metric.Clean };
        var underSwapped = ActivationPatching.Patch(model, swapped, "blocks.1.hook_resid_pre", clean["blocks.1.hook_resid_pre"], (corrupted, _) => corrupted);

        Assert.That(score, Is.EqualTo(0).Within(1e-5), "patching nothing leaves the corrupted run: metric 0");
        Assert.That(corruptedEverywhere, Is.EqualTo(0).Within(1e-5),
            "metric after patching every position with the corrupted run's own activation given as clean: expected 0, the corrupted run (patch(activation, clean) with the clean argument Patch is given, not a clean activation Patch computes itself)");
        Assert.That(underSwapped, Is.EqualTo(1).Within(1e-5),
            "metric of the unpatched corrupted run under a metric whose Clean and Corrupted are swapped: expected 1 (score with the metric Patch is given, metric.Score, not one Patch measures again)");
        Assert.That(gradientsOn, Is.Not.Empty.And.All.False, "gradients on as each forward pass of the model in Patch began, while its parameters require grad: expected off in every pass (run the corrupted prompts under no_grad, as the doc says)");
        Assert.That(gradAfter, Is.True,
            "autograd after ActivationPatching.Patch returned to a caller that had it on: still off, so no_grad() was never disposed (using var noGrad = no_grad(), which puts the mode back)");
        TensorAssert.Close(given, corruptedRun,
            name: "the activation the patch is given: expected the corrupted run's blocks.1.hook_resid_pre (call patch from a hook on model.Hook(hookName) while the model runs metric.Batch.Corrupted)");
    }

    [TestCase("blocks.0.hook_resid_pre")]
    [TestCase("blocks.1.hook_resid_pre")]
    [TestCase("blocks.1.hook_resid_post")]
    [Points(3)]
    public void Patch_OfTheWholeResidualStream_AtEveryPosition_ScoresOne(string hookName)
    {
        using var golden = Golden.Open("residual_grid_long"); // its pairs, and at resid_pre its grid
        var (model, _, batch, metric) = Pairs.OnCheckpoint(Pairs.DrawLong(golden), Device);
        var clean = Capture(model, batch.Clean, hookName); // the clean run's activation, read by the test's own hook
        long pos = batch.Length;
        long firstDiffering = (batch.Clean != batch.Corrupted).any(0).to(ScalarType.Int64).argmax().item<long>(); // read before homework code has the batch
        var theirs = ActivationPatching.CleanActivations(model, batch, [hookName]);

        var score = ActivationPatching.Patch(model, metric, hookName, clean.clone(), ActivationPatching.Where(PatchMask.All(pos).reshape(1, -1, 1)));

        Assert.That(score, Is.EqualTo(1).Within(1e-5), $"everything the later layers read is clean after patching all of {hookName}: metric 1");
        TensorAssert.Close(theirs[hookName], clean, name: $"CleanActivations' {hookName}: expected the clean run's (run metric.Batch.Clean, not the corrupted prompts)");

        // One position only: at resid_pre the reference's residual grid; at the last layer's resid_post, position 0 reaches
        // only the logits at position 0, which the metric does not read.
        long at;
        double expected;
        if (hookName == "blocks.1.hook_resid_post")
        {
            (at, expected) = (0, 0.0);
        }
        else
        {
            at = firstDiffering;
            expected = golden.Expected("grid")[hookName == "blocks.0.hook_resid_pre" ? 0 : 1, at].ToDouble();
        }
        var one = ActivationPatching.Patch(model, metric, hookName, clean.clone(), ActivationPatching.Where(PatchMask.At(pos, at).reshape(1, -1, 1)));
        Assert.That(one, Is.Not.NaN.And.EqualTo(expected).Within(1e-4),
            $"metric after patching {hookName} at position {at} only: expected {expected:F4} (run metric.Batch.Corrupted with a hook on {hookName} that returns patch(activation, clean), then metric.Score of the logits)");
    }

    [Test, Points(2)]
    public void Patch_RemovesItsHook_AlsoWhenThePatchThrows()
    {
        var (model, _, batch, metric) = Pairs.OnCheckpoint(Pairs.Short, Device);
        var point = model.Hook("blocks.0.hook_resid_pre");
        var callersPoint = model.Hook("blocks.1.hook_resid_post");
        var clean = ActivationPatching.CleanActivations(model, batch, ["blocks.0.hook_resid_pre"]);

        var hooksDuringThePatch = new List<int>();
        // A caller's own hook, on while Patch runs: Patch removes its own hook and no other.
        using (callersPoint.AddHook((_, _) => null))
        {
            ActivationPatching.Patch(model, metric, "blocks.0.hook_resid_pre", clean["blocks.0.hook_resid_pre"], (corrupted, _) => corrupted);
            Assert.That(model.HookedPointNames(), Is.EquivalentTo(new[] { "blocks.1.hook_resid_post" }),
                "hook points with hooks right after Patch returned, while the test's own hook on blocks.1.hook_resid_post is on: expected only the test's (remove your hook by disposing its handle, never with ResetHooks(), which also removes other callers' hooks)");
            Assert.Throws<InvalidOperationException>(() => ActivationPatching.Patch(model, metric, "blocks.0.hook_resid_pre", clean["blocks.0.hook_resid_pre"],
                (_, _) =>
                {
                    hooksDuringThePatch.Add(point.HookCount);
                    throw new InvalidOperationException("a patch that fails");
                }));
            Assert.That(model.HookedPointNames(), Is.EquivalentTo(new[] { "blocks.1.hook_resid_post" }),
                "hook points with hooks after the patch threw, while the test's own hook on blocks.1.hook_resid_post is on: expected only the test's (dispose your hook's handle with using or in a finally, never with ResetHooks())");
        }
        Assert.That(hooksDuringThePatch, Is.Not.Empty.And.All.GreaterThan(0),
            "hooks on blocks.0.hook_resid_pre while the patch ran: expected yours (call patch from a hook on model.Hook(hookName) during the corrupted run, not directly)");
    }

    /// <summary><paramref name="hookName"/>'s activation when <paramref name="model"/> runs <paramref name="tokens"/>, read by a test-side hook.</summary>
    Tensor Capture(HookedTransformer model, Tensor tokens, string hookName)
    {
        Tensor? seen = null;
        using (model.Hook(hookName).AddHook((activation, _) => { seen = activation.detach().clone(); return null; }))
        using (no_grad())
            model.call(tokens.to(Device));
        return seen!;
    }
}
