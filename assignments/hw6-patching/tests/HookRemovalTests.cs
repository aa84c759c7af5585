using Course.Lens;
using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw6.Patching.HiddenTests;

/// <summary>
/// Every hook a method adds is removed before it returns, also when something throws (the handout promises it): a run of
/// the model with the method's hooks on, or <c>model.Hook</c> for a name the model does not have, after the hooks of the
/// valid names before it. The inputs are valid; the test makes the run throw itself, from a hook of its own that the
/// forward pass reaches after every block (<see cref="InterruptedRunLeavesNoHook"/>), so the order in which a method runs
/// its layers, how many runs it makes and how it shapes its inputs do not matter.
/// </summary>
public sealed class HookRemovalTests : TorchTest
{
    static string[] Names => ["blocks.0.hook_resid_pre", "blocks.1.attn.hook_z"];
    static string[] NamesWithATypo => ["blocks.0.hook_resid_pre", "blocks.1.attn.hook_zz"];

    [Test, Points(1)] // taken from the public CleanActivations_AreTheCleanRunsActivations_Detached_FromARunWithoutGradients_AndLeaveNoHookBehind
    public void CleanActivations_WhenTheModelThrows_OrAHookNameIsUnknown_LeaveNoHookBehind()
    {
        var (model, _, batch, _) = HiddenPairs.OnCheckpoint(HiddenPairs.Short, Device);

        InterruptedRunLeavesNoHook(model, () => ActivationPatching.CleanActivations(model, batch, Names),
            "ActivationPatching.CleanActivations", "the clean run (with its reading hooks on)",
            "dispose the handles in a finally, not after the run");

        UnknownNameLeavesNoHook(model, () => ActivationPatching.CleanActivations(model, batch, NamesWithATypo),
            "CleanActivations with a hook name the model does not have: expected model.Hook's exception to reach the caller, not to be caught",
            "hook points that still have a hook after CleanActivations was given a valid hook name and then an unknown one: expected none (add the hooks inside the try whose finally disposes them, not before it)");
    }

    [Test, Points(0.5)] // taken from the public Attribute_WhereTheMetricIsLinear_SumsToTheRealPatch_ForHookPointsInAnyOrder_EvenWhenCalledWithoutGradients
    public void Attribute_WhenTheCorruptedRunThrows_OrAHookNameIsUnknown_LeavesNoHookBehind()
    {
        var (model, _, batch, metric) = HiddenPairs.OnCheckpoint(HiddenPairs.Short, Device);
        var cleanEmbedding = CleanEmbedding(model, batch);

        // The clean run works; the test throws in the first run with Attribute's hooks on that is not the clean prompts'.
        InterruptedRunLeavesNoHook(model, () => AttributionPatching.Attribute(model, metric, Names),
            "AttributionPatching.Attribute", "the corrupted run (with its hooks on)",
            "dispose the handles in a finally, not after backward()", cleanEmbedding);

        UnknownNameLeavesNoHook(model, () => AttributionPatching.Attribute(model, metric, NamesWithATypo),
            "Attribute with a hook name the model does not have: expected model.Hook's exception to reach the caller, not to be caught",
            "hook points that still have a hook after Attribute was given a valid hook name and then an unknown one: expected none (in Attribute and in the CleanActivations it calls, add the hooks inside the try whose finally disposes them, not before it)");
    }

    [Test, Points(0.5)] // taken from Attribute_WhenTheCorruptedRunThrows_OrAHookNameIsUnknown_LeavesNoHookBehind
    public void Grids_WhenTheCorruptedRunThrows_LeaveNoHookBehind()
    {
        var (model, _, batch, metric) = HiddenPairs.OnCheckpoint(HiddenPairs.Short, Device);
        var cleanEmbedding = CleanEmbedding(model, batch);
        const string likelyBug = "remove each cell's hook with using, or in a finally, not after the run; or patch each cell with ActivationPatching.Patch";

        // The clean run that caches the activations works; the test throws in the first patched run, whichever cell it is.
        InterruptedRunLeavesNoHook(model, () => ResidualPatching.Grid(model, metric),
            "ResidualPatching.Grid", "a cell's patched run (with its hook on)", likelyBug, cleanEmbedding);
        InterruptedRunLeavesNoHook(model, () => HeadPatching.Outputs(model, metric),
            "HeadPatching.Outputs", "a cell's patched run (with its hook on)", likelyBug, cleanEmbedding);
        InterruptedRunLeavesNoHook(model, () => HeadPatching.OutputsByPosition(model, metric),
            "HeadPatching.OutputsByPosition", "a cell's patched run (with its hook on)", likelyBug, cleanEmbedding);
        InterruptedRunLeavesNoHook(model, () => HeadPatching.PatternAndValues(model, metric),
            "HeadPatching.PatternAndValues", "a cell's patched run (with its hook on)", likelyBug, cleanEmbedding);
    }

    [Test, Points(1)] // taken from the public MeanActivations_AreAveragesOverEveryPromptAndPosition_OfTheTokensGiven
    public void MeanActivationsOver_WhenTheModelThrows_LeavesNoHookBehind()
    {
        var (model, _, _) = TinyGpt.Load(Device);
        var referenceTokens = zeros(2, model.Config.n_ctx, dtype: ScalarType.Int64);

        InterruptedRunLeavesNoHook(model, () => MeanActivations.Over(model, referenceTokens),
            "MeanActivations.Over", "the reference run (with its reading hooks on)", "dispose the handles in a finally, not after the run");
    }

    [Test, Points(1)] // taken from the public Mean_WithMeansOfZero_IsZeroAblation
    public void AblationsMean_WhenAnAblatedRunThrows_LeavesNoHookBehind()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var batch = PairBatch.Of(HiddenPairs.Short, vocabulary);
        var config = model.Config;
        var means = new MeanActivations(zeros(config.n_layers, config.n_heads, config.d_head, device: Device), zeros(config.n_layers, config.d_model, device: Device));

        // The test throws in the first run with a head's hook on, then, in a second call, in the first with an MLP's.
        InterruptedRunLeavesNoHook(model, () => Ablations.Mean(model, batch, vocabulary, means),
            "Ablations.Mean", "a head's ablated run (with its hook on an attention hook point)",
            "remove each head's hook with using, or in a finally, not after the run", homeworksHook: name => name.Contains(".attn."));
        InterruptedRunLeavesNoHook(model, () => Ablations.Mean(model, batch, vocabulary, means),
            "Ablations.Mean", "an MLP's ablated run (with its hook on hook_mlp_out)",
            "remove each MLP's hook with using, or in a finally, not after the run", homeworksHook: name => name.EndsWith(".hook_mlp_out", StringComparison.Ordinal));
    }

    /// <summary>Where the test's own hook throws: the final LayerNorm, which every forward pass reaches after every block.</summary>
    const string InterruptedAt = "ln_final.hook_normalized";

    /// <summary>Where the test reads which prompts a run embeds.</summary>
    const string EmbeddedAt = "hook_embed";

    /// <summary>The exception the test throws inside the model's run; no homework code can make one.</summary>
    sealed class RunInterrupted(string run) : Exception($"the test interrupted {run} at {InterruptedAt}");

    /// <summary><c>hook_embed</c> of the clean prompts, <c>W_E[clean]</c> <c>[batch, pos, d_model]</c>: taken before homework code has the model.</summary>
    static Tensor CleanEmbedding(HookedTransformer model, PairBatch batch) => model.W_E[batch.Clean.to(model.W_E.device)].detach().clone();

    /// <summary>
    /// <paramref name="call"/> with a hook of the test's own on <see cref="InterruptedAt"/> that throws
    /// <see cref="RunInterrupted"/> in every run that has a hook of the homework's on (any hook point but the test's own,
    /// or those <paramref name="homeworksHook"/> accepts), whatever its layer and however many runs came before; with
    /// <paramref name="cleanEmbedding"/>, not in a run of the clean prompts (which only caches activations). That exception
    /// has to reach the caller as it is, and once the test's hooks are removed no hook may be left. Code that never runs the
    /// model with a hook of its own on never sees the exception, so it does not pass.
    /// </summary>
    static void InterruptedRunLeavesNoHook(HookedTransformer actual, Action call, string method, string run, string likelyBug,
        Tensor? cleanEmbedding = null, Func<string, bool>? homeworksHook = null)
    {
        var interrupted = new List<RunInterrupted>();
        bool embedsTheCleanPrompts = false;
        bool HomeworkHookOn(string name) =>
            (name is InterruptedAt or EmbeddedAt ? actual.Hook(name).HookCount > 1 : true) && (homeworksHook?.Invoke(name) ?? true);
        Exception? thrown = null;
        using (actual.Hook(EmbeddedAt).AddHook((embedding, _) =>
        {
            embedsTheCleanPrompts = cleanEmbedding is not null && embedding.shape.SequenceEqual(cleanEmbedding.shape) && embedding.eq(cleanEmbedding).all().item<bool>();
            return null;
        }))
        using (actual.Hook(InterruptedAt).AddHook((_, _) =>
        {
            if (embedsTheCleanPrompts || !actual.HookedPointNames().Any(HomeworkHookOn)) return null;
            var interruption = new RunInterrupted(run);
            interrupted.Add(interruption);
            throw interruption;
        }))
        {
            try { call(); }
            catch (Exception e) { thrown = e; }
        }

        var besidesTheCleanRun = cleanEmbedding is null ? "" : " (other than to cache the clean run)";
        if (interrupted.Count == 0)
            Assert.Fail(thrown is null
                ? $"{method} returned without running the model with a hook of its own on{besidesTheCleanRun}: expected {run} to throw the test's exception, and that exception to reach the caller"
                : $"{method} threw before it ran the model with a hook of its own on{besidesTheCleanRun}: expected {run} to throw the test's exception, got {thrown.GetType().Name}: {thrown.Message}" +
                  (thrown is NotImplementedException ? " (a method this one calls is not written yet)" : ""));
        Assert.That(thrown, Is.Not.Null,
            $"{method} caught the exception that {run} threw: expected it to reach the caller, not to be caught");
        Assert.That(interrupted.Any(i => ReferenceEquals(i, thrown)), Is.True,
            $"{method} turned the exception that {run} threw into another: expected it to reach the caller as it is (got {thrown!.GetType().Name}: {thrown.Message})");
        Assert.That(actual.HookedPointNames(), Is.Empty,
            $"hook points that still have a hook after {run} threw inside {method}: expected none ({likelyBug})");
    }

    /// <summary>
    /// <paramref name="call"/> throws <c>model.Hook</c>'s <see cref="KeyNotFoundException"/> for <c>blocks.1.attn.hook_zz</c>,
    /// and afterwards no hook point of the model (<paramref name="actual"/>) has a hook.
    /// </summary>
    static void UnknownNameLeavesNoHook(HookedTransformer actual, Action call, string throwsMessage, string hooksMessage)
    {
        Exception? thrown = null;
        try { call(); }
        catch (Exception e) { thrown = e; }
        Assert.That(thrown, Is.Not.Null, throwsMessage);
        Assert.That(thrown, Is.Not.InstanceOf<NotImplementedException>(), "the exception thrown: expected model.Hook's, not NotImplementedException (a method this one calls is not written yet)");
        Assert.That(actual.HookedPointNames(), Is.Empty, hooksMessage);
        Assert.That(thrown, Is.InstanceOf<KeyNotFoundException>(),
            $"the exception thrown: expected model.Hook's KeyNotFoundException for blocks.1.attn.hook_zz to reach the caller as it is, not another exception (got {thrown!.GetType().Name}: {thrown.Message})");
        Assert.That(thrown.Message, Does.Contain("no hook point 'blocks.1.attn.hook_zz'"),
            "the exception's message: expected model.Hook's KeyNotFoundException for blocks.1.attn.hook_zz, not an exception of the homework's own");
    }
}
