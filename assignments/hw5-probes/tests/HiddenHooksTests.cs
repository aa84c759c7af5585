using Course.Lens;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw5.Probes.HiddenTests;

public sealed class HiddenHooksTests : TorchTest
{
    static HookedTransformer Model(Seeded seeded) => RandomModel.Create(seeded, n_layers: 2);

    [Test, Points(2)]
    public void RunWithHooks_LeavesHooksThatWereAttachedBefore()
    {
        using var seeded = new Seeded(570);
        var model = Model(seeded);
        var tokens = seeded.Randint(0, 7, [2, 6]);
        var calls = 0;
        var given = 0;
        using var permanent = model.Hook("blocks.0.hook_resid_mid").AddHook((_, _) => { calls++; return null; });

        model.RunWithHooks(tokens, ("blocks.1.hook_resid_mid", (_, _) => { given++; return null; }));
        model.RunWithHooks(tokens, ("blocks.0.hook_resid_mid", (_, _) => null)); // the permanent hook's own point
        model.RunWithCache(tokens);

        Assert.That(model.Hook("blocks.0.hook_resid_mid").HookCount, Is.EqualTo(1), "a hook attached before RunWithHooks (one on its very point) and RunWithCache is still attached: dispose only your own handles, not RemoveHooks() or ResetHooks()");
        Assert.That(model.Hook("blocks.1.hook_resid_mid").HookCount, Is.EqualTo(0), "RunWithHooks removed its own hook");
        Assert.That(calls, Is.EqualTo(3), "the permanent hook ran in all three runs");
        Assert.That(given, Is.EqualTo(1), "the hook given to RunWithHooks ran once, in its own run: attach the hooks given before running the model");
    }

    [Test, Points(2)]
    public void RunWithHooks_WithANameTheModelDoesNotHave_ThrowsAndLeavesNothingAttached()
    {
        using var seeded = new Seeded(571);
        var model = Model(seeded);
        var ran = false;
        var tokens = seeded.Randint(0, 7, [1, 4]);
        Tensor expected;
        using (model.Hook("blocks.0.hook_resid_pre").AddHook((activation, _) => zeros_like(activation)))
            expected = model.call(tokens).detach();

        Action withATypo = () => model.RunWithHooks(tokens.clone(),
            ("blocks.0.hook_resid_pre", (_, _) => { ran = true; return null; }
        ), ("blocks.0.hook_resid_typo", (_, _) => null));
        Assert.That(withATypo, Throws.TypeOf<KeyNotFoundException>(), "what RunWithHooks throws when one of its hook names (blocks.0.hook_resid_typo) is not a hook point of the model: the KeyNotFoundException of model.Hook(name), before any hook is attached");

        Assert.That(model.HookedPointNames(), Is.Empty, "hook points that kept a hook after RunWithHooks threw on a misspelled name: look every name up before attaching any hook, or remove the ones attached");
        Assert.That(ran, Is.False, "whether the hook on blocks.0.hook_resid_pre ran before RunWithHooks threw on the misspelled name (look every name up before the model runs)");
        var zeroed = model.RunWithHooks(tokens.clone(), ("blocks.0.hook_resid_pre", (activation, _) => zeros_like(activation)));
        TensorAssert.Close(zeroed, expected,
            name: "the logits of a valid RunWithHooks after the failed one, zeroing blocks.0.hook_resid_pre, against the model run with the test's own zeroing hook: attach the hooks given and run the model");
    }

    [Test, Points(2)]
    public void RunWithCache_SeesWhatEarlierHooksReplaced_AndKeepsItsCopyWhenTheModelRunsAgain()
    {
        using var seeded = new Seeded(572);
        var model = Model(seeded);
        var tokens = seeded.Randint(0, 7, [2, 6]);
        using var zeroing = model.Hook("blocks.0.hook_attn_out").AddHook((activation, _) => zeros_like(activation));
        var captured = RandomModel.Capture(model, tokens);

        var (_, cache) = model.RunWithCache(tokens.clone());
        var kept = cache["blocks.0.hook_resid_mid"].clone();
        model.RunWithCache(seeded.Randint(0, 7, [2, 6]));

        TensorAssert.Close(cache["blocks.0.hook_attn_out"], zeros(2, 6, 8, device: Device), name: "the cached attn_out when a hook replaces it with zeros");
        TensorAssert.Close(cache["blocks.0.hook_resid_mid"], kept, tolerance: Tolerance.Exact, name: "a cached activation after the model ran again");
        TensorAssert.Close(cache["blocks.0.hook_resid_mid"], captured["blocks.0.hook_resid_mid"],
            name: "the cached resid_mid of layer 0 against what the test's own hook read there (resid_pre, as attn_out is zeroed)");
        TensorAssert.Close(cache["blocks.1.hook_resid_post"], captured["blocks.1.hook_resid_post"],
            name: "the cached resid_post of layer 1 against what the test's own hook read there");
    }
}
