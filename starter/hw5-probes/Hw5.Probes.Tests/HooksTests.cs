using Course.Lens;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw5.Probes.Tests;

public sealed class HooksTests : TorchTest
{
    [Test, Points(4)]
    public void RunWithCache_CachesEveryHookPoint_WithTransformerLensShapes()
    {
        using var seeded = new Seeded(500);
        var model = SmallModel.Create(seeded, Device);
        var tokens = SmallModel.Tokens(seeded, Device); // [2, 6]
        var names = model.HookPoints.Keys.ToList();

        var (_, cache) = model.RunWithCache(tokens);

        Assert.That(cache.Keys, Is.EquivalentTo(names), "with no filter, every hook point of the model is cached, under its name");
        Assert.That(cache.Keys, Is.EqualTo(names),
            "the order of cache.Keys: expected the order the forward pass reached the hook points (model.HookPoints's: hook_embed, hook_pos_embed, blocks.0..., ln_final...), as ActivationCache.Keys's doc says; " +
            "store each activation as its hook runs, in a dictionary that keeps the order its keys were added in (Dictionary, not SortedDictionary)");
        var expected = new Dictionary<string, long[]>
        {
            ["hook_embed"] = [2, 6, 8],
            ["blocks.0.hook_resid_pre"] = [2, 6, 8],
            ["blocks.0.attn.hook_q"] = [2, 6, 2, 3],
            ["blocks.0.attn.hook_attn_scores"] = [2, 2, 6, 6],
            ["blocks.1.attn.hook_pattern"] = [2, 2, 6, 6],
            ["blocks.1.attn.hook_z"] = [2, 6, 2, 3],
            ["blocks.1.mlp.hook_pre"] = [2, 6, 16],
            ["blocks.1.hook_resid_post"] = [2, 6, 8],
            ["ln_final.hook_scale"] = [2, 6, 1],
        };
        foreach (var (name, shape) in expected)
            Assert.That(cache[name].shape, Is.EqualTo(shape), $"shape of cache[\"{name}\"]");
    }

    [Test, Points(2)]
    public void RunWithCache_WithAFilter_CachesOnlyTheNamesItAccepts()
    {
        using var seeded = new Seeded(501);
        var model = SmallModel.Create(seeded, Device);

        var tokens = SmallModel.Tokens(seeded, Device);
        var captured = SmallModel.Capture(model, tokens);

        var (_, cache) = model.RunWithCache(tokens.clone(), name => name.EndsWith("hook_resid_post", StringComparison.Ordinal));

        Assert.That(cache.Keys, Is.EquivalentTo(new[] { "blocks.0.hook_resid_post", "blocks.1.hook_resid_post" }),
            "RunWithCache with a filter caches only the hook points whose names the filter accepts");
        Assert.That(cache.Keys, Is.EqualTo(new[] { "blocks.0.hook_resid_post", "blocks.1.hook_resid_post" }),
            "the order of cache.Keys with a filter: expected the order the forward pass reached the hook points, as ActivationCache.Keys's doc says");
        foreach (var name in cache.Keys)
            TensorAssert.Close(cache[name], captured[name], name: $"cache[\"{name}\"] against what the test's own hook read there: cache the activation the hook point sees");
    }

    [Test, Points(3)]
    public void RunWithCache_ReturnsTheModelsLogits_AndDetachedActivations_AndLeavesNoHookBehind()
    {
        using var seeded = new Seeded(502);
        var model = SmallModel.Create(seeded, Device);
        var tokens = SmallModel.Tokens(seeded, Device);

        var expected = model.call(tokens);
        var captured = SmallModel.Capture(model, tokens);

        var (logits, cache) = model.RunWithCache(tokens.clone());

        TensorAssert.Close(logits, expected, name: "the logits RunWithCache returns against model.call's");
        Assert.That(logits.requires_grad, Is.True,
            "the logits keep their graph, as model.call's do (the weights require grad here): do not run the model under no_grad, and let the caching hooks return null so the model goes on with its own activations");
        Assert.That(cache.Keys.Where(k => cache[k].requires_grad), Is.Empty, "cached activations are detached (the model's weights require grad here)");
        foreach (var name in new[] { "blocks.0.hook_resid_mid", "blocks.1.attn.hook_pattern", "ln_final.hook_scale" })
            TensorAssert.Close(cache[name], captured[name], name: $"cache[\"{name}\"] against what the test's own hook read there");
        Assert.That(model.HookedPointNames(), Is.Empty, "hook points that still have hooks after RunWithCache returned");
        logits.sum().backward();
        Assert.That(model.named_parameters().Where(p => p.parameter.grad is null).Select(p => p.name), Is.Empty,
            "weights the logits' gradient does not reach: a caching hook only reads (returns null); returning the detached copy cuts the graph there");
    }

    [Test, Points(3)]
    public void RunWithCache_WhenTheModelThrows_LeavesNoHookBehind()
    {
        using var seeded = new Seeded(503);
        var model = SmallModel.Create(seeded, Device);
        var tooLong = zeros(1, SmallModel.Config.n_ctx + 1, ScalarType.Int64, Device); // more positions than n_ctx
        var tokens = SmallModel.Tokens(seeded, Device);
        var captured = SmallModel.Capture(model, tokens);

        Assert.That(() => model.RunWithCache(tooLong), Throws.ArgumentException, "the model refuses more than n_ctx positions");

        Assert.That(model.HookedPointNames(), Is.Empty, "hook points that kept a hook after the run threw: remove them in a finally");
        var (_, cache) = model.RunWithCache(tokens.clone());
        TensorAssert.Close(cache["blocks.1.hook_resid_post"], captured["blocks.1.hook_resid_post"],
            name: "cache[\"blocks.1.hook_resid_post\"] of a run that succeeds after the failed one, against what the test's own hook read there");
    }

    [Test, Points(3)]
    public void RunWithHooks_AReplacingHookChangesTheOutput_AndAReadingHookDoesNot()
    {
        using var seeded = new Seeded(504);
        var model = SmallModel.Create(seeded, Device);
        var tokens = SmallModel.Tokens(seeded, Device);
        var clean = model.call(tokens);
        Tensor? seen = null;

        var read = model.RunWithHooks(tokens, ("blocks.0.hook_mlp_out", (activation, _) => { seen = activation.detach().clone(); return null; }));
        var zeroed = model.RunWithHooks(tokens, ("blocks.0.hook_mlp_out", (activation, _) => zeros_like(activation)));

        TensorAssert.Close(read, clean, name: "logits with a hook that only reads (returns null)");
        Assert.That(seen, Is.Not.Null, "the hook ran");
        Assert.That((zeroed - clean).abs().max().ToDouble(), Is.GreaterThan(1e-3f), "zeroing blocks.0.hook_mlp_out must change the logits");
        TensorAssert.Close(zeroed, model.RunWithHooks(tokens, ("blocks.0.hook_mlp_out", (activation, _) => zeros_like(activation))),
            name: "the same replacing hook run twice");
    }

    [Test, Points(3)]
    public void RunWithHooks_WhenAHookThrows_RemovesItsHooks()
    {
        using var seeded = new Seeded(505);
        var model = SmallModel.Create(seeded, Device);
        var tokens = SmallModel.Tokens(seeded, Device);
        var captured = SmallModel.Capture(model, tokens.clone()); // what the test's own hooks read on a plain run
        Tensor? read = null;
        HookFunction reading = (activation, _) =>
        {
            read = activation.detach().clone();
            return null;
        };

        Assert.That(() => model.RunWithHooks(tokens.clone(),
                ("blocks.0.hook_resid_pre", reading),
                ("blocks.1.attn.hook_pattern", (_, _) => throw new InvalidOperationException("a hook that fails"))),
            Throws.InvalidOperationException.With.Message.EqualTo("a hook that fails"), "the hook's exception reaches the caller");
        Assert.That(read, Is.Not.Null, "the reading hook on blocks.0.hook_resid_pre never ran: attach every hook given (AddHook) before the model runs");
        TensorAssert.Close(read!, captured["blocks.0.hook_resid_pre"],
            name: "what the hook on blocks.0.hook_resid_pre was given, against the test's own read of it: attach the hooks to the model's hook points and run the model, never call them yourself");

        Assert.That(model.HookedPointNames(), Is.Empty, "hook points that kept a hook after a hook threw");
        TensorAssert.Close(model.call(tokens), model.RunWithHooks(tokens), name: "the model after the failed run against a run with no hooks");
    }

    [Test, Points(2)]
    public void RunWithHooks_RunsEveryHookGiven_InTheOrderOfTheForwardPass_EvenTwoOnOnePoint()
    {
        using var seeded = new Seeded(506);
        var model = SmallModel.Create(seeded, Device);
        var order = new List<string>();
        var given = new Dictionary<string, Tensor>(); // what each hook was given
        HookFunction record = (activation, hook) => { order.Add(hook.Name); given[hook.Name] = activation.detach().clone(); return null; };
        var tokens = SmallModel.Tokens(seeded, Device);
        var captured = SmallModel.Capture(model, tokens.clone()); // what the test's own hooks read on a plain run

        model.RunWithHooks(tokens, ("blocks.1.hook_resid_pre", record), ("hook_embed", record), ("blocks.0.attn.hook_z", record));

        Assert.That(order, Is.EqualTo(new[] { "hook_embed", "blocks.0.attn.hook_z", "blocks.1.hook_resid_pre" }));
        foreach (var name in order)
            TensorAssert.Close(given[name], captured[name],
                name: $"what the hook on {name} was given, against the test's own read of it: attach the hooks to the model's hook points and run the model, never call them yourself");
        var both = new List<string>();
        model.RunWithHooks(SmallModel.Tokens(seeded, Device), ("hook_embed", (_, _) => { both.Add("first"); return null; }), ("hook_embed", (_, _) => { both.Add("second"); return null; }));
        Assert.That(both, Is.EquivalentTo(new[] { "first", "second" }), "the hooks that ran when two were given for hook_embed: every hook given runs, even two on one point");
        Assert.That(both, Is.EqualTo(new[] { "first", "second" }),
            "the order in which two hooks given for hook_embed ran: expected first, then second, the order given (attach them in the order of the list, as TransformerLens's run_with_hooks does)");
    }
}
