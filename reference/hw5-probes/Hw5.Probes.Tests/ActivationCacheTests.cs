using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw5.Probes.Tests;

public sealed class ActivationCacheTests : TorchTest
{
    [Test, Points(2)]
    public void TheCachedResidualStream_AddsUp_AttentionAndMlpOutputsToWhatCameBefore()
    {
        using var seeded = new Seeded(510);
        var model = SmallModel.Create(seeded, Device);

        var tokens = SmallModel.Tokens(seeded, Device);
        var captured = SmallModel.Capture(model, tokens);

        var (_, cache) = model.RunWithCache(tokens.clone());

        // The right-hand sides are what the test's own hooks read, never the cache again: the cache is what is under test.
        for (int l = 0; l < 2; l++)
        {
            TensorAssert.Close(cache["resid_mid", l], captured[$"blocks.{l}.hook_resid_pre"] + captured[$"blocks.{l}.hook_attn_out"], name: $"resid_mid[{l}] against resid_pre[{l}] + attn_out[{l}]");
            TensorAssert.Close(cache["resid_post", l], captured[$"blocks.{l}.hook_resid_mid"] + captured[$"blocks.{l}.hook_mlp_out"], name: $"resid_post[{l}] against resid_mid[{l}] + mlp_out[{l}]");
        }
        TensorAssert.Close(cache["resid_pre", 0], captured["hook_embed"] + captured["hook_pos_embed"], name: "resid_pre[0] against embed + pos_embed");
        foreach (var name in new[] { "hook_embed", "blocks.0.hook_attn_out", "blocks.1.hook_mlp_out", "blocks.1.hook_resid_post" })
            TensorAssert.Close(cache[name], captured[name], name: $"cache[\"{name}\"] against what the test's own hook read there: cache the activation each hook point sees");
    }

    [Test, Points(3)]
    public void AccumulatedResid_StacksTheResidualStreamBeforeEachLayer_AndTheFinalOne()
    {
        using var seeded = new Seeded(511);
        var model = SmallModel.Create(seeded, Device);
        // The cache is built by the test from its own hooks, so only AccumulatedResid is under test.
        // The expected values are read from what the test captured, by full hook name, not through the cache.
        var captured = SmallModel.Capture(model, SmallModel.Tokens(seeded, Device));
        var cache = new ActivationCache(SmallModel.Copy(captured), SmallModel.Config);

        var (stack, labels) = cache.AccumulatedResid();

        Assert.That(labels, Is.EqualTo(new[] { "0_pre", "1_pre", "final_post" }),
            "AccumulatedResid() labels: the residual stream before each layer, then the last block's resid_post as final_post");
        Assert.That(stack.shape, Is.EqualTo(new long[] { 3, 2, 6, 8 }), "[component, batch, pos, d_model]");
        TensorAssert.Close(stack[0], captured["blocks.0.hook_resid_pre"], name: "component 0_pre");
        TensorAssert.Close(stack[1], captured["blocks.1.hook_resid_pre"], name: "component 1_pre");
        TensorAssert.Close(stack[2], captured["blocks.1.hook_resid_post"], name: "component final_post: the last block's resid_post");
    }

    [Test, Points(3)]
    public void DecomposeResid_SplitsTheFinalResidualStreamIntoWhatWroteIt_AndItSumsBack()
    {
        using var seeded = new Seeded(512);
        var model = SmallModel.Create(seeded, Device);
        // The cache is built by the test from its own hooks, so only DecomposeResid is under test.
        // The expected values are read from what the test captured, by full hook name, not through the cache.
        var captured = SmallModel.Capture(model, SmallModel.Tokens(seeded, Device));
        var cache = new ActivationCache(SmallModel.Copy(captured), SmallModel.Config);

        var (stack, returnedLabels) = cache.DecomposeResid();
        string[] labels = [.. returnedLabels]; // copied once, read from the copy only

        Assert.That(labels, Is.EqualTo(new[] { "embed", "pos_embed", "0_attn_out", "0_mlp_out", "1_attn_out", "1_mlp_out" }),
            "DecomposeResid() labels: embed, pos_embed, then each layer's attn_out before its mlp_out");
        Assert.That(stack.shape, Is.EqualTo(new long[] { 6, 2, 6, 8 }), "[component, batch, pos, d_model]");
        TensorAssert.Close(stack.sum([0]), captured["blocks.1.hook_resid_post"], name: "the components summed over dim 0 against the final residual stream");
        // Each component against the activation its label names, in the test's own order: a sum cannot tell two swapped components apart.
        string[] hooks = ["hook_embed", "hook_pos_embed", "blocks.0.hook_attn_out", "blocks.0.hook_mlp_out", "blocks.1.hook_attn_out", "blocks.1.hook_mlp_out"];
        for (int i = 0; i < hooks.Length; i++)
            TensorAssert.Close(stack[i], captured[hooks[i]], name: $"component {i} of DecomposeResid(), labelled {labels[i]}, against what the test's own hook read at {hooks[i]}: each label's tensor in its place");
    }
}
