using Course.Testing;
using NUnit.Framework;
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
        using (gradients)
        {
            clean = ActivationPatching.CleanActivations(model, batch, ["blocks.1.hook_resid_pre", "blocks.0.attn.hook_z"]);
            Assert.That(model.HookedPointNames(), Is.EquivalentTo(new[] { "blocks.1.hook_resid_post" }),
                "hook points with hooks right after CleanActivations, while the test's own hook on blocks.1.hook_resid_post is on: remove your hooks by disposing their handles, never with ResetHooks(), which also removes other callers' hooks");
        }

        Assert.That(clean.Keys, Is.EquivalentTo(new[] { "blocks.1.hook_resid_pre", "blocks.0.attn.hook_z" }), "one activation per name asked for");
        TensorAssert.Close(clean["blocks.1.hook_resid_pre"], seen!, name: "the clean run's blocks.1.hook_resid_pre");
        Assert.That(clean["blocks.0.attn.hook_z"].shape, Is.EqualTo(new long[] { 8, 14, 4, 16 }), "hook_z is [batch, pos, head, d_head]");
        Assert.That(clean["blocks.1.hook_resid_pre"].requires_grad, Is.False, "requires_grad of a cached activation while the model's parameters require grad: expected false (store activation.detach(), and run the clean prompts under no_grad)");
        Assert.That(gradients.Seen, Is.Not.Empty.And.All.False, "requires_grad of blocks.1.hook_resid_post in CleanActivations' run while the model's parameters require grad: expected false (run the clean prompts under no_grad, as the doc says)");
        Assert.That(model.HookedPointNames(), Is.Empty, "hook points that still have hooks");
    }

    [Test, Points(2)]
    public void Patch_ThatKeepsTheCorruptedActivation_ScoresZero_InARunWithoutGradients()
    {
        var (model, _, batch, metric) = Pairs.OnCheckpoint(Pairs.Long, Device);
        // As while the model is trained: an activation of a run with gradients on now requires grad.
        foreach (var parameter in model.parameters()) parameter.requires_grad_(true);
        var clean = ActivationPatching.CleanActivations(model, batch, ["blocks.1.hook_resid_pre"]);
        var gradsOn = new List<bool>();

        var score = ActivationPatching.Patch(model, metric, "blocks.1.hook_resid_pre", clean["blocks.1.hook_resid_pre"], (corrupted, _) =>
        {
            gradsOn.Add(corrupted.requires_grad);
            return corrupted;
        });

        Assert.That(score, Is.EqualTo(0).Within(1e-5), "patching nothing leaves the corrupted run: metric 0");
        Assert.That(gradsOn, Is.Not.Empty.And.All.False, "requires_grad of the corrupted activation the patch is given while the model's parameters require grad: expected false (run the corrupted prompts under no_grad, as the doc says)");
        Assert.That(is_grad_enabled(), Is.True,
            "autograd after ActivationPatching.Patch returned to a caller that had it on: still off, so no_grad() was never disposed (using var noGrad = no_grad(), which puts the mode back)");
    }

    [TestCase("blocks.0.hook_resid_pre")]
    [TestCase("blocks.1.hook_resid_pre")]
    [TestCase("blocks.1.hook_resid_post")]
    [Points(3)]
    public void Patch_OfTheWholeResidualStream_AtEveryPosition_ScoresOne(string hookName)
    {
        var (model, _, batch, metric) = Pairs.OnCheckpoint(Pairs.Long, Device);
        var clean = ActivationPatching.CleanActivations(model, batch, [hookName]);

        var score = ActivationPatching.Patch(model, metric, hookName, clean[hookName], ActivationPatching.Where(PatchMask.All(batch.Length).reshape(1, -1, 1)));

        Assert.That(score, Is.EqualTo(1).Within(1e-5), $"everything the later layers read is clean after patching all of {hookName}: metric 1");
    }

    [Test, Points(2)]
    public void Patch_RemovesItsHook_AlsoWhenThePatchThrows()
    {
        var (model, _, batch, metric) = Pairs.OnCheckpoint(Pairs.Short, Device);
        var clean = ActivationPatching.CleanActivations(model, batch, ["blocks.0.hook_resid_pre"]);

        Assert.Throws<InvalidOperationException>(() => ActivationPatching.Patch(model, metric, "blocks.0.hook_resid_pre", clean["blocks.0.hook_resid_pre"],
            (_, _) => throw new InvalidOperationException("a patch that fails")));
        Assert.That(model.HookedPointNames(), Is.Empty, "hook points that still have hooks after the patch threw");
    }
}
