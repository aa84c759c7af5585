using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw6.Patching.Tests;

public sealed class AblationTests : TorchTest
{
    [Test, Points(3)]
    public void Zero_OfAHeadWhoseW_OIsZero_ChangesNothing_InRunsWithoutGradients()
    {
        var (model, vocabulary, batch, _) = Pairs.OnCheckpoint(Pairs.Short, Device);
        using (no_grad()) model.blocks[0].attn.W_O[2].zero_(); // head 0.2 now writes nothing to the residual stream
        // A batch that is not balanced, three singular clean subjects and one plural: each mean logit difference is the plain
        // mean over the pairs, computed here before any homework call (clean, and with layer 1's MLP output zeroed).
        var unbalancedPairs = Pairs.Unbalanced(Pairs.Short);
        var unbalanced = PairBatch.Of([.. unbalancedPairs], vocabulary);
        double expectedClean, expectedMlp1;
        using (no_grad())
        {
            var tokens = unbalanced.Clean.to(Device);
            expectedClean = Pairs.SignedLogitDiffs(model.call(tokens), unbalancedPairs, vocabulary).Average();
            using (model.Hook("blocks.1.hook_mlp_out").AddHook((output, _) => zeros_like(output)))
                expectedMlp1 = Pairs.SignedLogitDiffs(model.call(tokens), unbalancedPairs, vocabulary).Average() - expectedClean;
        }
        // And each layer-1 head's change, measured here with that head's hook_z zeroed at every position (the others kept).
        var expectedHeads1 = Enumerable.Range(0, 4).Select(h =>
        {
            var keep = (arange(4, device: Device) != h).to(ScalarType.Float32).reshape(1, 1, 4, 1); // [1, 1, n_heads, 1]
            return Pairs.MeanSignedLogitDiff(model, unbalanced.Clean, unbalancedPairs, vocabulary, "blocks.1.attn.hook_z", z => z * keep) - expectedClean;
        }).ToArray();

        // As while the model is trained: an activation of a run with gradients on now requires grad.
        var gradients = new GradientWatch(model);
        AblationTable table;
        using (enable_grad()) // a caller with autograd on, whatever the test's setup (PatchingMetric.Measure) left
        using (gradients)
        {
            table = Ablations.Zero(model, batch, vocabulary);
            Assert.That(model.HookedPointNames(), Is.EquivalentTo(new[] { "blocks.1.hook_resid_post" }),
                "hook points with hooks right after Ablations.Zero, while the test's own hook on blocks.1.hook_resid_post is on: expected only the test's (remove each of your hooks by disposing its handle, never with ResetHooks(), which also removes other callers' hooks)");
            Assert.That(is_grad_enabled(), Is.True,
                "autograd after Ablations.Zero returned to a caller that had it on: still off, so no_grad() was never disposed (using var noGrad = no_grad(), which puts the mode back)");
        }

        TensorAssert.Shape(table.HeadLogitDiff, [2, 4], "HeadLogitDiff: [n_layers, n_heads]");
        TensorAssert.Shape(table.MlpLoss, [2], "MlpLoss: [n_layers]");
        // Zero times anything is zero, so the ablated run is the clean run, but for rounding on another device at the scale of
        // the clean values (the SDK's float32 tolerance).
        var tolerance = Tolerance.For(ScalarType.Float32, Device.type);
        Assert.That(table.HeadLogitDiff[0, 2].ToDouble(), Is.EqualTo(0).Within(tolerance.Allowed(0, table.CleanLogitDiff)), "the change in logit difference from ablating head 0.2, whose W_O is zero");
        Assert.That(table.HeadLoss[0, 2].ToDouble(), Is.EqualTo(0).Within(tolerance.Allowed(0, table.CleanLoss)), "the change in loss from ablating head 0.2, whose W_O is zero");
        Assert.That(table.HeadLogitDiff.abs().max().ToDouble(), Is.GreaterThan(0.1), "other heads do matter");
        Assert.That(gradients.Seen, Is.Not.Empty.And.All.False, "gradients on as each forward pass of the model in Ablations.Zero began, while its parameters require grad: expected off in every pass (run them under no_grad, as the doc says)");

        var ofUnbalanced = Ablations.Zero(model, unbalanced, vocabulary);

        const string Balanced = "(the plain mean over the batch's pairs, as the doc says: the mean of the singular pairs' mean and the plural pairs' mean weighs a lone plural pair three times)";
        Assert.That(ofUnbalanced.CleanLogitDiff, Is.EqualTo(expectedClean).Within(tolerance.Allowed(expectedClean, 1)),
            $"CleanLogitDiff on 3 singular + 1 plural pairs: expected the mean signed logit difference of the 4 clean prompts {Balanced}");
        Assert.That(ofUnbalanced.MlpLogitDiff[1].ToDouble(), Is.EqualTo(expectedMlp1).Within(tolerance.Allowed(expectedMlp1, Math.Abs(expectedClean))),
            $"MlpLogitDiff[1] on 3 singular + 1 plural pairs: expected the change in the mean signed logit difference when layer 1's MLP output is zeroed {Balanced}");
        var heads1 = ofUnbalanced.HeadLogitDiff[1].cpu(); // [n_heads]
        for (int h = 0; h < 4; h++)
        {
            Assert.That(heads1[h].ToDouble(), Is.EqualTo(expectedHeads1[h]).Within(tolerance.Allowed(expectedHeads1[h], Math.Abs(expectedClean))),
                $"HeadLogitDiff[1, {h}] on 3 singular + 1 plural pairs: expected the change in the mean signed logit difference when head 1.{h}'s hook_z (only that head) is zeroed at every position, measured here by running the model so (likely bug: the head's entry is not measured by running the clean prompts with that head zeroed)");
        }
    }

    [Test, Points(1)]
    public void Mean_WithMeansOfZero_IsZeroAblation()
    {
        using var golden = Golden.Open("zero_ablation_short");
        var pairs = Pairs.DrawShort(golden);
        var (model, vocabulary, batch, _) = Pairs.OnCheckpoint(pairs, Device);
        var zeroMeans = new MeanActivations(zeros(2, 4, 16, device: Device), zeros(2, 64, device: Device));
        // Means that are not zero: each layer-1 head's change and layer 1's MLP change with those means put in, measured here
        // before any homework call by running the clean prompts with that one component replaced at every position.
        using var seeded = new Seeded(602);
        var someMeans = new MeanActivations(seeded.Randn([2, 4, 16]).to(Device), seeded.Randn([2, 64]).to(Device));
        double clean = Pairs.MeanSignedLogitDiff(model, batch.Clean, pairs, vocabulary);
        var expectedHeads1 = Enumerable.Range(0, 4).Select(h =>
        {
            var keep = (arange(4, device: Device) != h).to(ScalarType.Float32).reshape(1, 1, 4, 1); // [1, 1, n_heads, 1]
            var value = someMeans.Z[1, h].reshape(1, 1, 1, 16); // [1, 1, 1, d_head]
            return Pairs.MeanSignedLogitDiff(model, batch.Clean, pairs, vocabulary, "blocks.1.attn.hook_z", z => z * keep + (1 - keep) * value) - clean;
        }).ToArray();
        double expectedMlp1 = Pairs.MeanSignedLogitDiff(model, batch.Clean, pairs, vocabulary, "blocks.1.hook_mlp_out", m => someMeans.MlpOut[1].expand_as(m)) - clean;

        var mean = Ablations.Mean(model, batch, vocabulary, zeroMeans);
        var zero = Ablations.Zero(model, batch, vocabulary);

        TensorAssert.Close(mean.HeadLogitDiff, zero.HeadLogitDiff, name: "HeadLogitDiff, mean ablation with the means you are given (all zero) against zero ablation");
        TensorAssert.Close(mean.MlpLoss, zero.MlpLoss, name: "MlpLoss, mean ablation with the means you are given (all zero) against zero ablation");
        golden.AssertClose("head_logit_diff", zero.HeadLogitDiff, "Ablations.Zero(...).HeadLogitDiff [n_layers, n_heads]: ablated minus clean mean logit diff", axes: ["layer", "head"]);
        golden.AssertClose("mlp_loss", zero.MlpLoss, "Ablations.Zero(...).MlpLoss [n_layers]: ablated minus clean prompt loss", axes: ["layer"]);

        var withMeans = Ablations.Mean(model, batch, vocabulary, someMeans);
        const string LikelyBug = "(likely bug: the means you are given are not what is put in: zeros, or means of your own, or a head's mean put in all heads of the layer)";
        var tolerance = Tolerance.For(ScalarType.Float32, Device.type);
        var heads1 = withMeans.HeadLogitDiff[1].cpu(); // [n_heads]
        for (int h = 0; h < 4; h++)
        {
            Assert.That(heads1[h].ToDouble(), Is.EqualTo(expectedHeads1[h]).Within(tolerance.Allowed(expectedHeads1[h], Math.Abs(clean))),
                $"HeadLogitDiff[1, {h}] of mean ablation with means that are not zero (seeded): expected the change in the mean signed logit difference when head 1.{h}'s hook_z is replaced by means.Z[1, {h}] at every position, measured here {LikelyBug}");
        }
        Assert.That(withMeans.MlpLogitDiff[1].ToDouble(), Is.EqualTo(expectedMlp1).Within(tolerance.Allowed(expectedMlp1, Math.Abs(clean))),
            $"MlpLogitDiff[1] of mean ablation with means that are not zero (seeded): expected the change in the mean signed logit difference when layer 1's hook_mlp_out is replaced by means.MlpOut[1] at every position, measured here {LikelyBug}");
    }

    [Test, Points(2)]
    public void MeanActivations_AreAveragesOverEveryPromptAndPosition_OfTheTokensGiven()
    {
        var (model, vocabulary, _, _) = Pairs.OnCheckpoint(Pairs.Short, Device);
        var reference = PairBatch.Of(Pairs.Long, vocabulary).Clean.to(Device);
        var z = new Tensor[2];
        var mlp = new Tensor[2];
        using (model.Hook("blocks.0.attn.hook_z").AddHook((activation, _) => { z[0] = activation.detach().clone(); return null; }))
        using (model.Hook("blocks.1.attn.hook_z").AddHook((activation, _) => { z[1] = activation.detach().clone(); return null; }))
        using (model.Hook("blocks.0.hook_mlp_out").AddHook((activation, _) => { mlp[0] = activation.detach().clone(); return null; }))
        using (model.Hook("blocks.1.hook_mlp_out").AddHook((activation, _) => { mlp[1] = activation.detach().clone(); return null; }))
        using (no_grad())
            model.call(reference);

        var gradients = new GradientWatch(model); // the model's parameters now require grad, as while it is trained
        MeanActivations means;
        using (enable_grad()) // a caller with autograd on, whatever the test's setup (PatchingMetric.Measure) left
        using (gradients)
        {
            means = MeanActivations.Over(model, reference);
            Assert.That(model.HookedPointNames(), Is.EquivalentTo(new[] { "blocks.1.hook_resid_post" }),
                "hook points with hooks right after MeanActivations.Over, while the test's own hook on blocks.1.hook_resid_post is on: expected only the test's (remove your hooks by disposing their handles, never with ResetHooks(), which also removes other callers' hooks)");
            Assert.That(is_grad_enabled(), Is.True,
                "autograd after MeanActivations.Over returned to a caller that had it on: still off, so no_grad() was never disposed (using var noGrad = no_grad(), which puts the mode back)");
        }

        TensorAssert.Shape(means.Z, [2, 4, 16], "Z: [n_layers, n_heads, d_head]");
        Assert.That(means.Z.requires_grad || means.MlpOut.requires_grad, Is.False,
            "requires_grad of either mean while the model's parameters require grad (run the reference tokens under no_grad, as the docs say)");
        Assert.That(gradients.Seen, Is.Not.Empty.And.All.False,
            "gradients on as the forward pass of the model in MeanActivations.Over began, while its parameters require grad: expected off (run the reference tokens under no_grad, as the doc says, rather than detaching the means afterwards)");
        TensorAssert.Shape(means.MlpOut, [2, 64], "MlpOut: [n_layers, d_model]");
        // Every layer (a red team, round 19 atk68 a05, got the points with only Z[1] and MlpOut[0] right).
        for (int l = 0; l < 2; l++)
        {
            TensorAssert.Close(means.Z[l], z[l].mean([0, 1]), name: $"Z[{l}]: layer {l}'s hook_z averaged over prompts and positions (each layer from its own hook point)");
            TensorAssert.Close(means.MlpOut[l], mlp[l].mean([0, 1]), name: $"MlpOut[{l}]: layer {l}'s hook_mlp_out averaged over prompts and positions (each layer from its own hook point)");
        }
        Assert.That(model.HookedPointNames(), Is.Empty,
            "hook points that still have a hook after MeanActivations.Over returned: expected none (dispose every handle AddHook returned, in a finally; clearing the list of handles leaves the hooks attached)");
    }

    [Test, Points(3)]
    public void Zero_OnShortPairs_MatchesTheReference()
    {
        using var golden = Golden.Open("zero_ablation_short");
        var (model, vocabulary, batch, _) = Pairs.OnCheckpoint(Pairs.DrawShort(golden), Device);

        var table = Ablations.Zero(model, batch, vocabulary);

        golden.AssertClose("head_logit_diff", table.HeadLogitDiff, "Ablations.Zero(...).HeadLogitDiff [n_layers, n_heads]: ablated minus clean mean logit diff", axes: ["layer", "head"]);
        golden.AssertClose("head_loss", table.HeadLoss, "Ablations.Zero(...).HeadLoss [n_layers, n_heads]: ablated minus clean prompt loss", axes: ["layer", "head"]);
        golden.AssertClose("mlp_logit_diff", table.MlpLogitDiff, "Ablations.Zero(...).MlpLogitDiff [n_layers]: ablated minus clean mean logit diff", axes: ["layer"]);
        golden.AssertClose("mlp_loss", table.MlpLoss, "Ablations.Zero(...).MlpLoss [n_layers]: ablated minus clean prompt loss", axes: ["layer"]);
    }
}
