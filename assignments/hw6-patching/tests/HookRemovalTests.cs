using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw6.Patching.HiddenTests;

/// <summary>
/// Every hook a method adds is removed before it returns, also when something throws: the model (prompts longer than its
/// context), or <c>model.Hook</c> for a name the model does not have, after the hooks of the valid names before it.
/// </summary>
public sealed class HookRemovalTests : TorchTest
{
    static readonly string[] Names = ["blocks.0.hook_resid_pre", "blocks.1.attn.hook_z"];
    static readonly string[] NamesWithATypo = ["blocks.0.hook_resid_pre", "blocks.1.attn.hook_zz"];

    [Test, Points(1)] // taken from the public CleanActivations_AreTheCleanRunsActivations_Detached_FromARunWithoutGradients_AndLeaveNoHookBehind
    public void CleanActivations_WhenTheModelThrows_OrAHookNameIsUnknown_LeaveNoHookBehind()
    {
        var (model, _, batch, _) = HiddenPairs.OnCheckpoint(HiddenPairs.Short, Device);
        var positions = model.Config.n_ctx + 1;
        // Clean prompts one position longer than the model's context: the model throws before its first hook point fires.
        var tooLong = batch with { Clean = zeros(batch.Clean.shape[0], positions, dtype: ScalarType.Int64) };

        ThrowsAndLeavesNoHook(model, () => ActivationPatching.CleanActivations(model, tooLong, Names),
            "CleanActivations of clean prompts longer than the model's n_ctx: expected the model's exception to reach the caller, not to be caught",
            "hook points that still have a hook after the model threw inside CleanActivations: expected none (dispose the handles in a finally, not after the run)");

        ThrowsAndLeavesNoHook(model, () => ActivationPatching.CleanActivations(model, batch, NamesWithATypo),
            "CleanActivations with a hook name the model does not have: expected model.Hook's exception to reach the caller, not to be caught",
            "hook points that still have a hook after CleanActivations was given a valid hook name and then an unknown one: expected none (add the hooks inside the try whose finally disposes them, not before it)");
    }

    [Test, Points(1)] // taken from the public Attribute_WhereTheMetricIsLinear_SumsToTheRealPatch_ForHookPointsInAnyOrder_EvenWhenCalledWithoutGradients
    public void Attribute_WhenTheCorruptedRunThrows_OrAHookNameIsUnknown_LeavesNoHookBehind()
    {
        var (model, _, batch, metric) = HiddenPairs.OnCheckpoint(HiddenPairs.Short, Device);
        var positions = model.Config.n_ctx + 1;
        // The clean run works; the corrupted prompts are one position longer than the model's context, so the model throws
        // in the corrupted run, after Attribute has added its own hooks.
        var tooLong = metric with { Batch = batch with { Corrupted = zeros(batch.Corrupted.shape[0], positions, dtype: ScalarType.Int64) } };

        ThrowsAndLeavesNoHook(model, () => AttributionPatching.Attribute(model, tooLong, Names),
            "Attribute with corrupted prompts longer than the model's n_ctx: expected the model's exception to reach the caller, not to be caught",
            "hook points that still have a hook after the corrupted run threw inside Attribute: expected none (dispose the handles in a finally, not after backward())");

        ThrowsAndLeavesNoHook(model, () => AttributionPatching.Attribute(model, metric, NamesWithATypo),
            "Attribute with a hook name the model does not have: expected model.Hook's exception to reach the caller, not to be caught",
            "hook points that still have a hook after Attribute was given a valid hook name and then an unknown one: expected none (in Attribute and in the CleanActivations it calls, add the hooks inside the try whose finally disposes them, not before it)");
    }

    /// <summary><paramref name="call"/> throws, and afterwards no hook point of the model (<paramref name="actual"/>) has a hook.</summary>
    static void ThrowsAndLeavesNoHook(Course.Lens.HookedTransformer actual, Action call, string throwsMessage, string hooksMessage)
    {
        Assert.That(() => call(), Throws.Exception, throwsMessage);
        Assert.That(actual.HookedPointNames(), Is.Empty, hooksMessage);
    }
}
