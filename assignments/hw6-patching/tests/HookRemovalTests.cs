using Course.Lens;
using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw6.Patching.HiddenTests;

/// <summary>
/// Every hook a method adds is removed before it returns, also when something throws (the handout promises it): the model
/// (prompts longer than its context), a replacement that does not fit its hook point, or <c>model.Hook</c> for a name the
/// model does not have, after the hooks of the valid names before it.
/// </summary>
public sealed class HookRemovalTests : TorchTest
{
    static string[] Names => ["blocks.0.hook_resid_pre", "blocks.1.attn.hook_z"];
    static string[] NamesWithATypo => ["blocks.0.hook_resid_pre", "blocks.1.attn.hook_zz"];

    [Test, Points(1)] // taken from the public CleanActivations_AreTheCleanRunsActivations_Detached_FromARunWithoutGradients_AndLeaveNoHookBehind
    public void CleanActivations_WhenTheModelThrows_OrAHookNameIsUnknown_LeaveNoHookBehind()
    {
        var (model, _, batch, _) = HiddenPairs.OnCheckpoint(HiddenPairs.Short, Device);
        var positions = model.Config.n_ctx + 1;
        var tooLongError = TooLong(model.Config.n_ctx);
        // Clean prompts one position longer than the model's context: the model throws before its first hook point fires.
        var tooLong = batch with { Clean = zeros(batch.Clean.shape[0], positions, dtype: ScalarType.Int64) };

        ThrowsAndLeavesNoHook(model, () => ActivationPatching.CleanActivations(model, tooLong, Names),
            "CleanActivations of clean prompts longer than the model's n_ctx: expected the model's exception to reach the caller, not to be caught",
            "hook points that still have a hook after the model threw inside CleanActivations: expected none (dispose the handles in a finally, not after the run)",
            tooLongError, hookedWhenThrown: Names, during: "the clean run of CleanActivations (with its hooks on the named hook points)");

        ThrowsAndLeavesNoHook(model, () => ActivationPatching.CleanActivations(model, batch, NamesWithATypo),
            "CleanActivations with a hook name the model does not have: expected model.Hook's exception to reach the caller, not to be caught",
            "hook points that still have a hook after CleanActivations was given a valid hook name and then an unknown one: expected none (add the hooks inside the try whose finally disposes them, not before it)",
            UnknownHook);
    }

    [Test, Points(0.5)] // taken from the public Attribute_WhereTheMetricIsLinear_SumsToTheRealPatch_ForHookPointsInAnyOrder_EvenWhenCalledWithoutGradients
    public void Attribute_WhenTheCorruptedRunThrows_OrAHookNameIsUnknown_LeavesNoHookBehind()
    {
        var (model, _, batch, metric) = HiddenPairs.OnCheckpoint(HiddenPairs.Short, Device);
        var positions = model.Config.n_ctx + 1;
        // The clean run works; the corrupted prompts are one position longer than the model's context, so the model throws
        // in the corrupted run, after Attribute has added its own hooks.
        var tooLong = metric with { Batch = batch with { Corrupted = zeros(batch.Corrupted.shape[0], positions, dtype: ScalarType.Int64) } };

        ThrowsAndLeavesNoHook(model, () => AttributionPatching.Attribute(model, tooLong, Names),
            "Attribute with corrupted prompts longer than the model's n_ctx: expected the model's exception to reach the caller, not to be caught",
            "hook points that still have a hook after the corrupted run threw inside Attribute: expected none (dispose the handles in a finally, not after backward())",
            CorruptedRunThrows, hookedWhenThrown: Names, during: "the corrupted run of Attribute (with its hooks on the named hook points)");

        ThrowsAndLeavesNoHook(model, () => AttributionPatching.Attribute(model, metric, NamesWithATypo),
            "Attribute with a hook name the model does not have: expected model.Hook's exception to reach the caller, not to be caught",
            "hook points that still have a hook after Attribute was given a valid hook name and then an unknown one: expected none (in Attribute and in the CleanActivations it calls, add the hooks inside the try whose finally disposes them, not before it)",
            UnknownHook);
    }

    [Test, Points(0.5)] // taken from Attribute_WhenTheCorruptedRunThrows_OrAHookNameIsUnknown_LeavesNoHookBehind
    public void Grids_WhenTheCorruptedRunThrows_LeaveNoHookBehind()
    {
        var (model, _, batch, metric) = HiddenPairs.OnCheckpoint(HiddenPairs.Short, Device);
        var positions = model.Config.n_ctx + 1;
        var tooLongError = TooLong(model.Config.n_ctx);
        // The clean run works; the corrupted prompts are one position longer than the model's context, so the model throws
        // in the first cell's corrupted run, with that cell's patching hook on.
        var tooLong = metric with { Batch = batch with { Corrupted = zeros(batch.Corrupted.shape[0], positions, dtype: ScalarType.Int64) } };

        ThrowsAndLeavesNoHook(model, () => ResidualPatching.Grid(model, tooLong),
            "ResidualPatching.Grid with corrupted prompts longer than the model's n_ctx: expected the model's exception to reach the caller, not to be caught",
            "hook points that still have a hook after a cell's corrupted run threw inside ResidualPatching.Grid: expected none (remove each cell's hook with using, or in a finally, not after the run; or patch each cell with ActivationPatching.Patch)",
            tooLongError, hookedWhenThrown: ["blocks.0.hook_resid_pre"], during: "the corrupted run of the grid's first cell (with its hook on blocks.0.hook_resid_pre)");
        ThrowsAndLeavesNoHook(model, () => HeadPatching.Outputs(model, tooLong),
            "HeadPatching.Outputs with corrupted prompts longer than the model's n_ctx: expected the model's exception to reach the caller, not to be caught",
            "hook points that still have a hook after a cell's corrupted run threw inside HeadPatching.Outputs: expected none (remove each cell's hook with using, or in a finally, not after the run; or patch each cell with ActivationPatching.Patch)",
            tooLongError, hookedWhenThrown: ["blocks.0.attn.hook_z"], during: "the corrupted run of the grid's first cell (with its hook on blocks.0.attn.hook_z)");
        ThrowsAndLeavesNoHook(model, () => HeadPatching.OutputsByPosition(model, tooLong),
            "HeadPatching.OutputsByPosition with corrupted prompts longer than the model's n_ctx: expected the model's exception to reach the caller, not to be caught",
            "hook points that still have a hook after a cell's corrupted run threw inside HeadPatching.OutputsByPosition: expected none (remove each cell's hook with using, or in a finally, not after the run; or patch each cell with ActivationPatching.Patch)",
            tooLongError, hookedWhenThrown: ["blocks.0.attn.hook_z"], during: "the corrupted run of the grid's first cell (with its hook on blocks.0.attn.hook_z)");
        ThrowsAndLeavesNoHook(model, () => HeadPatching.PatternAndValues(model, tooLong),
            "HeadPatching.PatternAndValues with corrupted prompts longer than the model's n_ctx: expected the model's exception to reach the caller, not to be caught",
            "hook points that still have a hook after a cell's corrupted run threw inside HeadPatching.PatternAndValues: expected none (remove each cell's hook with using, or in a finally, not after the run; or patch each cell with ActivationPatching.Patch)",
            tooLongError); // no hook point named: patching the pattern at hook_attn_scores instead is as right
    }

    [Test, Points(1)] // taken from the public MeanActivations_AreAveragesOverEveryPromptAndPosition_OfTheTokensGiven
    public void MeanActivationsOver_WhenTheModelThrows_LeavesNoHookBehind()
    {
        var (model, _, _) = TinyGpt.Load(Device);
        // Reference prompts one position longer than the model's context: the model throws after Over has added its hooks.
        var tooLong = zeros(2, model.Config.n_ctx + 1, dtype: ScalarType.Int64);
        var tooLongError = TooLong(model.Config.n_ctx);
        Assert.That(() => MeanActivations.Over(model, zeros(2, model.Config.n_ctx, dtype: ScalarType.Int64)), Throws.Nothing,
            "MeanActivations.Over of reference prompts exactly n_ctx long: expected means, not an exception");

        ThrowsAndLeavesNoHook(model, () => MeanActivations.Over(model, tooLong),
            "MeanActivations.Over of reference prompts longer than the model's n_ctx: expected the model's exception to reach the caller, not to be caught",
            "hook points that still have a hook after the model threw inside MeanActivations.Over: expected none (dispose the handles in a finally, not after the run)",
            tooLongError, hookedWhenThrown: ["blocks.0.attn.hook_z"], during: "the reference run of MeanActivations.Over (with its reading hooks on, e.g., blocks.0.attn.hook_z)");
    }

    [Test, Points(1)] // taken from the public Mean_WithMeansOfZero_IsZeroAblation
    public void AblationsMean_WhenAnAblatedRunThrows_LeavesNoHookBehind()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var batch = PairBatch.Of(HiddenPairs.Short, vocabulary);
        var config = model.Config;
        // Means one element too wide: the replacement cannot take the place of hook_z[:, :, h] (or of hook_mlp_out), so the
        // ablated run throws inside the hook, after Mean has added it. The first case throws at head 0.0, the second at
        // layer 0's MLP, after every head's run has worked.
        var wideHeads = new MeanActivations(zeros(config.n_layers, config.n_heads, config.d_head + 1, device: Device), zeros(config.n_layers, config.d_model, device: Device));
        var wideMlps = new MeanActivations(zeros(config.n_layers, config.n_heads, config.d_head, device: Device), zeros(config.n_layers, config.d_model + 1, device: Device));
        var fitting = new MeanActivations(zeros(config.n_layers, config.n_heads, config.d_head, device: Device), zeros(config.n_layers, config.d_model, device: Device));
        Assert.That(() => Ablations.Mean(model, batch, vocabulary, fitting), Throws.Nothing,
            "Ablations.Mean with means of the right shapes: expected a table, not an exception");

        ThrowsAndLeavesNoHook(model, () => Ablations.Mean(model, batch, vocabulary, wideHeads),
            "Ablations.Mean with head means of d_head + 1 elements: expected the ablated run's exception to reach the caller, not to be caught",
            "hook points that still have a hook after a head's ablated run threw inside Ablations.Mean: expected none (remove each head's hook with using, or in a finally, not after the run)",
            FromAHook, hookedWhenThrown: ["blocks.0.attn.hook_z"], during: "head 0.0's ablated run (with its hook on blocks.0.attn.hook_z)");

        ThrowsAndLeavesNoHook(model, () => Ablations.Mean(model, batch, vocabulary, wideMlps),
            "Ablations.Mean with MLP means of d_model + 1 elements: expected the ablated run's exception to reach the caller, not to be caught",
            "hook points that still have a hook after an MLP's ablated run threw inside Ablations.Mean: expected none (remove each MLP's hook with using, or in a finally, not after the run)",
            FromAHook, hookedWhenThrown: ["blocks.0.hook_mlp_out"], during: "layer 0's MLP-ablated run (with its hook on blocks.0.hook_mlp_out)");
    }

    /// <summary>What the model throws for tokens longer than its context (<c>HookedRootModule.EmbedTokens</c>).</summary>
    static Expected TooLong(long n_ctx) =>
        new(typeof(ArgumentException), $"pos <= n_ctx = {n_ctx}", "the model's ArgumentException about n_ctx", ["Course.Lens."]);

    /// <summary>
    /// What the corrupted run of <c>Attribute</c> throws with prompts longer than n_ctx: the model's exception, or torch's
    /// where the clean and corrupted prompts (of different lengths) are run as one batch; either way from the model or torch,
    /// not a throw of the homework code.
    /// </summary>
    static Expected CorruptedRunThrows => new(typeof(Exception), null,
        "the exception of the corrupted run (the model's ArgumentException about n_ctx, or torch's)", ["Course.Lens.", "TorchSharp."]);

    /// <summary>What <c>model.Hook</c> throws for <c>blocks.1.attn.hook_zz</c>.</summary>
    static Expected UnknownHook =>
        new(typeof(KeyNotFoundException), "no hook point 'blocks.1.attn.hook_zz'", "model.Hook's KeyNotFoundException for blocks.1.attn.hook_zz", []);

    /// <summary>
    /// Whatever a replacing hook throws that cannot fit its hook point (torch's broadcast error, or the HookPoint's own
    /// shape message): it has to come out of a hook point's <c>Call</c> in the model's forward pass.
    /// </summary>
    static Expected FromAHook => new(typeof(Exception), null, "the exception of the ablated run (thrown inside a hook the model ran)", ["Course.Lens.HookPoint.Call"]);

    /// <summary>The exception the model itself throws: its type, a part of its message, frames its stack trace passes through (one of them).</summary>
    sealed record Expected(Type Type, string? MessagePart, string Description, string[] ThrownThrough);

    /// <summary>
    /// <paramref name="call"/> throws, and afterwards no hook point of the model (<paramref name="actual"/>) has a hook. The
    /// exception is the model's (<paramref name="expected"/>), not one the homework code threw itself; and each of
    /// <paramref name="hookedWhenThrown"/> held a hook at the moment it was first thrown, so code that throws before adding
    /// its hooks does not pass. That moment is read by <c>AppDomain.FirstChanceException</c>, which runs at the throw, before
    /// any catch, filter or finally of the code under test: code that removes its hooks in a catch and rethrows (<c>throw;</c>)
    /// passes as code that removes them in a finally does (an exception filter here ran after such a catch).
    /// </summary>
    static void ThrowsAndLeavesNoHook(HookedTransformer actual, Action call, string throwsMessage, string hooksMessage,
        Expected expected, string[]? hookedWhenThrown = null, string? during = null)
    {
        Exception? thrown = null;
        var hookedAtThrow = new Dictionary<Exception, IReadOnlyList<string>>(ReferenceEqualityComparer.Instance);
        int thread = Environment.CurrentManagedThreadId;
        void AtThrow(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs args)
        {
            if (Environment.CurrentManagedThreadId == thread && !hookedAtThrow.ContainsKey(args.Exception))
                hookedAtThrow[args.Exception] = actual.HookedPointNames();
        }
        AppDomain.CurrentDomain.FirstChanceException += AtThrow;
        try { call(); }
        catch (Exception e) { thrown = e; }
        finally { AppDomain.CurrentDomain.FirstChanceException -= AtThrow; }
        var hookedThen = thrown is not null && hookedAtThrow.TryGetValue(thrown, out var atThrow) ? atThrow : [];
        Assert.That(thrown, Is.Not.Null, throwsMessage);
        Assert.That(thrown, Is.Not.InstanceOf<NotImplementedException>(), "the exception thrown: expected the model's, not NotImplementedException (a method this one calls is not written yet)");
        Assert.That(actual.HookedPointNames(), Is.Empty, hooksMessage);

        Assert.That(thrown, Is.InstanceOf(expected.Type),
            $"the exception thrown: expected {expected.Description} to reach the caller as it is, not another exception (got {thrown!.GetType().Name}: {thrown.Message})");
        if (expected.MessagePart is { } part)
            Assert.That(thrown.Message, Does.Contain(part), $"the exception's message: expected {expected.Description}, not an exception of the homework's own");
        if (expected.ThrownThrough.Length > 0)
            Assert.That(expected.ThrownThrough.Any((thrown.StackTrace ?? "").Contains), Is.True,
                $"where the exception was thrown: expected {expected.Description}, so its stack trace passes through {string.Join(" or ", expected.ThrownThrough)}, not an exception the homework code threw itself (got {thrown.GetType().Name}: {thrown.Message})");
        if (hookedWhenThrown is not null)
            Assert.That(hookedThen, Is.SupersetOf(hookedWhenThrown),
                $"hook points that held a hook when the exception was thrown: expected the model to throw during {during}, not before the hooks were added");

    }
}
