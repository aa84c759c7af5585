using Course.Lens;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw5.Probes.HiddenTests;

public sealed class HiddenCacheTests : TorchTest
{
    /// <summary>
    /// The cache under test, built from a copy of what the test's own hooks read, and those activations by full hook name:
    /// the expected values come from them, never through homework code (such as the cache's short-name indexer).
    /// </summary>
    static (ActivationCache Cache, Dictionary<string, Tensor> Captured) Cache(long seed)
    {
        using var seeded = new Seeded(seed);
        var model = RandomModel.Create(seeded, n_layers: 3);
        // Built by the test from its own hooks, so only AccumulatedResid and DecomposeResid are under test.
        var captured = RandomModel.Capture(model, seeded.Randint(0, 7, [2, 5]));
        return (new ActivationCache(RandomModel.Copy(captured), model.Config), captured);
    }

    [Test, Points(2)]
    public void AccumulatedResid_WithMiddles_PutsEachLayersMidAfterItsPre()
    {
        var (cache, captured) = Cache(580);

        var (stack, labels) = cache.AccumulatedResid(incl_mid: true);

        Assert.That(labels, Is.EqualTo(new[] { "0_pre", "0_mid", "1_pre", "1_mid", "2_pre", "2_mid", "final_post" }),
            "AccumulatedResid(incl_mid: true) labels: each layer's mid right after its pre, then final_post");
        TensorAssert.Close(stack[3], captured["blocks.1.hook_resid_mid"], name: "component 1_mid");
        TensorAssert.Close(stack[6], captured["blocks.2.hook_resid_post"], name: "component final_post");
    }

    [Test, Points(2)]
    public void AccumulatedResid_UpToALayer_EndsWithThatLayersResidPre()
    {
        var (cache, captured) = Cache(581);

        var (stack, labels) = cache.AccumulatedResid(layer: 1, incl_mid: true);

        Assert.That(labels, Is.EqualTo(new[] { "0_pre", "0_mid", "1_pre" }), "incl_mid adds the middles of the layers before the last one only");
        TensorAssert.Close(stack[2], captured["blocks.1.hook_resid_pre"], name: "component 1_pre");
        var (all, allLabels) = cache.AccumulatedResid(layer: 3);
        Assert.That(allLabels, Is.EqualTo(new[] { "0_pre", "1_pre", "2_pre", "final_post" }), "AccumulatedResid(layer: n_layers) is AccumulatedResid(): it ends with final_post");
        TensorAssert.Close(all[3], captured["blocks.2.hook_resid_post"], name: "component final_post of AccumulatedResid(layer: n_layers)");
        var (first, firstLabels) = cache.AccumulatedResid(layer: 0, incl_mid: true);
        Assert.That(firstLabels, Is.EqualTo(new[] { "0_pre" }),
            "AccumulatedResid(layer: 0, incl_mid: true) labels: only 0_pre, the stream entering layer 0 (layer 0 is a layer asked for, not the same as null, which means all of them)");
        TensorAssert.Close(first, captured["blocks.0.hook_resid_pre"].unsqueeze(0), name: "AccumulatedResid(layer: 0): [1, batch, pos, d_model], resid_pre of layer 0");
    }

    [Test, Points(2)]
    public void DecomposeResid_UpToALayer_SumsToThatLayersResidPre()
    {
        var (cache, captured) = Cache(582);

        var (stack, returnedLabels) = cache.DecomposeResid(layer: 2);
        string[] labels = [.. returnedLabels]; // copied once, read from the copy only

        Assert.That(labels, Is.EqualTo(new[] { "embed", "pos_embed", "0_attn_out", "0_mlp_out", "1_attn_out", "1_mlp_out" }),
            "DecomposeResid(layer: 2) labels: embed, pos_embed, then each layer before layer 2, its attn_out before its mlp_out");
        TensorAssert.Close(stack.sum([0]), captured["blocks.2.hook_resid_pre"], name: "the components up to layer 2 summed against resid_pre[2]");
        // Each component against the activation its label names, in the test's own order: a sum cannot tell two swapped components apart.
        string[] hooks = ["hook_embed", "hook_pos_embed", "blocks.0.hook_attn_out", "blocks.0.hook_mlp_out", "blocks.1.hook_attn_out", "blocks.1.hook_mlp_out"];
        for (int i = 0; i < hooks.Length; i++)
            TensorAssert.Close(stack[i], captured[hooks[i]], name: $"component {i} of DecomposeResid(layer: 2), labelled {labels[i]}, against what the test's own hook read at {hooks[i]}: each label's tensor in its place");
        var (first, firstLabels) = cache.DecomposeResid(layer: 0);
        Assert.That(firstLabels, Is.EqualTo(new[] { "embed", "pos_embed" }),
            "DecomposeResid(layer: 0) labels: only embed and pos_embed, as no layer comes before layer 0 (layer 0 is a layer asked for, not the same as null, which means all of them)");
        TensorAssert.Close(first.sum([0]), captured["blocks.0.hook_resid_pre"], name: "DecomposeResid(layer: 0)'s components summed against resid_pre[0]");
    }
}
