using Course.Lens;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.Checkpoint.Tests;

/// <summary>
/// The hooked models of models/Course.Lens run only the blocks they were made with. Their <c>blocks</c> is a TorchSharp
/// <c>ModuleList</c>, which code holding the model can write a block into through <c>IList&lt;T&gt;</c>; a test that hooked
/// a model and gave it to homework code would otherwise see none of the runs that went through a block put in its place
/// (a red team, stop 58, did so with a hook it removed instead), so a model whose blocks changed does not run. And a pass runs in one gradient mode: a hook or a module hook
/// that switched gradients off for part of it would show the hooks after it activations that do not require grad in a pass
/// that builds a graph (a red team, stop 58, so passed the checks that a measure runs without gradients).
/// </summary>
public sealed class HookedModelStructureTests
{
    static HookedTransformerConfig Small => new(d_model: 8, n_layers: 2, n_heads: 2, d_head: 4, d_mlp: 16, d_vocab: 5, n_ctx: 6);

    static Tensor Tokens => tensor(new long[,] { { 1, 2, 3, 4 } });

    /// <summary>
    /// What a pass of <paramref name="model"/> throws, with the thread's gradient mode put back (<paramref name="switchedOff"/>,
    /// the no_grad a hook left open) and the module hooks removed, whatever happened.
    /// </summary>
    static InvalidOperationException PassThrows(HookedTransformer model, Func<IDisposable?> switchedOff, params Action[] removeModuleHooks)
    {
        try { return Assert.Throws<InvalidOperationException>(() => model.call(Tokens))!; }
        finally
        {
            switchedOff()?.Dispose();
            foreach (var remove in removeModuleHooks) remove();
        }
    }

    /// <summary>Each hooked model, and a block of it made anew: written into its blocks, the block would run without the hooks a
    /// test added to the one it replaced, and a pass over the old blocks would part what runs from what parameters() lists.</summary>
    static IEnumerable<TestCaseData> Models()
    {
        yield return new TestCaseData(() => (HookedRootModule)new HookedTransformer(Small),
            (Action<HookedRootModule>)(m => ((IList<TransformerBlockHooked>)((HookedTransformer)m).blocks)[1] = new TransformerBlockHooked(Small, 1)))
            .SetArgDisplayNames("HookedTransformer");
        var attnOnly = Small with { attn_only = true };
        yield return new TestCaseData(() => (HookedRootModule)new HookedAttnOnlyTransformer(attnOnly),
            (Action<HookedRootModule>)(m => ((IList<AttnOnlyBlockHooked>)((HookedAttnOnlyTransformer)m).blocks)[1] = new AttnOnlyBlockHooked(attnOnly, 1)))
            .SetArgDisplayNames("HookedAttnOnlyTransformer");
    }

    [TestCaseSource(nameof(Models))]
    public void Given_a_block_written_into_a_hooked_model_s_blocks_When_it_runs_Then_it_refuses_to(Func<HookedRootModule> make, Action<HookedRootModule> swap)
    {
        using var scope = NewDisposeScope();
        var model = make();
        using (no_grad()) model.call(Tokens);

        swap(model);

        Assert.That(() => { using (no_grad()) model.call(Tokens); },
            Throws.InvalidOperationException.With.Message.StartsWith("the model's blocks were changed (a block added, removed or replaced in blocks) since it was made"));
    }

    [Test]
    public void Given_a_hook_that_switches_gradients_off_When_the_model_runs_with_them_on_Then_the_next_hook_point_throws_naming_itself()
    {
        using var scope = NewDisposeScope();
        var model = new HookedTransformer(Small);
        IDisposable? off = null;
        using var start = model.Hook("blocks.1.hook_resid_pre").AddHook((_, _) => { off = no_grad(); return null; });

        var thrown = PassThrows(model, () => off);

        Assert.That(thrown.Message, Does.StartWith("gradients were switched off inside the model's forward pass, by the time it reached blocks.1.hook_resid_pre"));
    }

    [Test]
    public void Given_module_hooks_that_switch_gradients_off_around_a_block_When_the_model_runs_with_them_on_Then_a_hook_point_in_the_block_throws()
    {
        using var scope = NewDisposeScope();
        var model = new HookedTransformer(Small);
        IDisposable? off = null;
        var before = model.blocks[1].register_forward_pre_hook((_, x) => { off = no_grad(); return x; });
        var after = model.blocks[1].register_forward_hook((_, _, y) => { off?.Dispose(); return y; });

        var thrown = PassThrows(model, () => off, before.remove, after.remove);

        Assert.That(thrown.Message, Does.Contain("gradients were switched off inside the model's forward pass, by the time it reached blocks.1.hook_resid_pre"));
    }

    [Test]
    public void Given_hooks_that_keep_the_pass_s_mode_When_the_model_runs_Then_it_runs_whatever_mode_the_pass_began_in()
    {
        using var scope = NewDisposeScope();
        var model = new HookedTransformer(Small);
        // A hook that computes under no_grad and puts the mode back, and one that runs the model itself in a mode of its own.
        using var reading = model.Hook("blocks.0.hook_resid_post").AddHook((x, _) => { using (no_grad()) x.sum().Dispose(); return null; });
        var nested = 0;
        using var running = model.Hook("ln_final.hook_normalized").AddHook((_, _) =>
        {
            if (nested++ == 0) using (no_grad()) model.call(Tokens);
            return null;
        });

        Assert.That(model.call(Tokens).requires_grad, Is.True, "a pass with gradients on");
        nested = 0;
        using (no_grad()) Assert.That(model.call(Tokens).requires_grad, Is.False, "a pass with gradients off");
    }

    [Test]
    public void Given_a_copy_registered_in_place_of_a_blocks_attention_When_the_model_runs_Then_it_refuses_to()
    {
        using var scope = NewDisposeScope();
        var model = new HookedTransformer(Small);
        // What runs (the field) and what parameters() lists (the registry) part: the listed copy keeps the old weights.
        model.blocks[1].register_module("attn", null!);
        model.blocks[1].register_module("attn", new AttentionHooked(Small, "blocks.1.attn."));

        Assert.That(() => { using (no_grad()) model.call(Tokens); },
            Throws.InvalidOperationException.With.Message.StartsWith("the model.blocks.1.attn is not what the model lists under that name"));
    }

    [Test]
    public void Given_a_parameter_registered_beside_the_models_own_When_the_model_runs_Then_it_refuses_to()
    {
        using var scope = NewDisposeScope();
        var model = new HookedTransformer(Small);
        model.ln_final.register_parameter("extra", new TorchSharp.Modules.Parameter(zeros(3)));

        Assert.That(() => { using (no_grad()) model.call(Tokens); },
            Throws.InvalidOperationException.With.Message.StartsWith("the model.ln_final (it lists 3 parameter(s)"));
    }

    [Test]
    public void Given_a_model_moved_to_another_dtype_Then_it_runs_what_it_lists()
    {
        using var scope = NewDisposeScope();
        var model = new HookedTransformer(Small);
        model.to(ScalarType.Float64);

        using (no_grad()) Assert.That(model.call(Tokens).dtype, Is.EqualTo(ScalarType.Float64));
    }

    [Test]
    public void Given_a_block_called_on_its_own_Then_it_refuses_to_run_while_the_final_layer_norm_runs_for_a_logit_lens()
    {
        using var scope = NewDisposeScope();
        var model = new HookedTransformer(Small);
        var residual = randn(1, 4, 8); // [batch, pos, d_model]

        using (no_grad())
        {
            Assert.That(() => model.blocks[1].call(residual),
                Throws.InvalidOperationException.With.Message.StartsWith("blocks.1.hook_resid_pre runs only inside its model's forward pass"));
            Assert.That(() => model.blocks[0].ln2.call(residual),
                Throws.InvalidOperationException.With.Message.StartsWith("blocks.0.ln2.hook_scale runs only inside its model's forward pass"));
            Assert.That(model.ln_final.call(residual).shape, Is.EqualTo(new long[] { 1, 4, 8 }));
        }
    }

    [Test]
    public void Given_a_hook_that_calls_a_block_When_the_model_runs_Then_the_block_refuses_before_its_hooks_see_the_activation()
    {
        using var scope = NewDisposeScope();
        var model = new HookedTransformer(Small);
        var seen = 0;
        using var recording = model.Hook("blocks.1.hook_resid_pre").AddHook((_, _) => { seen++; return null; });

        using (no_grad())
        {
            using (model.Hook("blocks.0.hook_resid_pre").AddHook((x, _) => { model.blocks[1].call(x); return null; }))
                Assert.That(() => model.call(Tokens),
                    Throws.InvalidOperationException.With.Message.StartsWith("blocks.1.hook_resid_pre runs only as its model's forward pass reaches it"));
            Assert.That(seen, Is.Zero, "the recording hook never saw the activation the other hook chose");

            // A logit lens inside a hook: the final LayerNorm runs alone, inside a pass as outside one.
            Tensor? lens = null;
            using (model.Hook("blocks.0.hook_resid_post").AddHook((x, _) => { lens = model.ln_final.call(x); return null; }))
                model.call(Tokens);
            Assert.That(lens!.shape, Is.EqualTo(new long[] { 1, 4, 8 }));
            Assert.That(seen, Is.EqualTo(1), "the pass reached blocks.1 once");
        }
    }

    [Test]
    public void Given_hooks_that_detach_and_then_reattach_the_residual_stream_When_passes_are_watched_Then_each_records_the_mode_it_began_in()
    {
        using var scope = NewDisposeScope();
        var model = new HookedTransformer(Small);
        // A hook that hides the graph from the hooks after it, and one that puts it back: what a hook sees proves nothing.
        using var hide = model.Hook("blocks.1.hook_resid_mid").AddHook((x, _) => x.detach());
        Tensor? kept = null;
        using var keep = model.Hook("blocks.0.hook_resid_post").AddHook((x, _) => { kept = x; return null; });
        using var restore = model.Hook("blocks.1.hook_resid_post").AddHook((x, _) => x + (kept! - kept!.detach()));
        var nested = 0;
        using var inner = model.Hook("ln_final.hook_normalized").AddHook((_, _) =>
        {
            if (nested++ == 0) using (no_grad()) model.call(Tokens);
            return null;
        });

        using var watch = model.WatchPasses();
        var logits = model.call(Tokens);
        nested = 0;
        using (no_grad()) model.call(Tokens);

        Assert.That(logits.requires_grad, Is.True);
        Assert.That(watch.GradientsOn, Is.EqualTo(new[] { true, false, false, false }), "the outer pass with gradients, its nested pass without, then both without");
    }

    [Test]
    public void Given_a_module_hook_that_switches_gradients_off_after_the_last_hook_point_When_the_model_runs_Then_the_pass_throws_as_it_returns()
    {
        using var scope = NewDisposeScope();
        var model = new HookedTransformer(Small);
        IDisposable? off = null;
        var after = model.ln_final.register_forward_hook((_, _, y) => { off = no_grad(); return y; });

        var thrown = PassThrows(model, () => off, after.remove);

        Assert.That(thrown.Message, Does.StartWith("gradients were switched off inside the model's forward pass, by the time it returned"));
    }
}
