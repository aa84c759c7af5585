using Course.Lens;
using Course.Lens.Agreement;
using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw5.Probes.HiddenTests;

/// <summary>The homework's functions on the shipped checkpoint against the reference's results, stored as goldens.</summary>
public sealed class CheckpointGoldenTests : TorchTest
{
    const string Text = "the dogs that the cat chases run . every teacher that the birds like sings . some foxes wait";

    [Test, Points(2)]
    public void LogitLens_PerLayerLossAndAccuracy_MatchTheReference()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        using var golden = Golden.Open("logit_lens_checkpoint");
        var tokens = golden.Input("tokens", () => vocabulary.ToTokens(Text[..64])).to(Device); // [1, 64]
        var pos = tokens.shape[1];
        var scored = tokens.shape[0] * (pos - 1); // the positions that predict a next character

        var rows = LogitLens.Evaluate(model, tokens).Select(r => (r.Label, r.Loss, r.Accuracy)).ToArray(); // each row's members read once

        Assert.That(rows.Select(r => r.Label), Is.EqualTo(new[] { "0_pre", "1_pre", "final_post" }));
        // The losses are float32 computations reported as doubles: compared as float32. A position whose two best logits are
        // within rounding of each other may pick the other on other hardware: accuracy may differ by one such flip.
        golden.AssertClose("loss", tensor(rows.Select(r => (float)r.Loss).ToArray()),
            "LogitLens.Evaluate losses of 0_pre, 1_pre, final_post on [1, 64]: mean next-character cross-entropy");
        golden.AssertClose("accuracy", tensor(rows.Select(r => r.Accuracy).ToArray()),
            $"LogitLens.Evaluate accuracies of 0_pre, 1_pre, final_post on [1, 64]: right guesses / {scored} scored", new Tolerance(0, 1.0 / (pos - 1)));
        // An accuracy is a whole number k of hits over the scored positions, batch × (pos - 1). The one-flip tolerance above
        // cannot tell k / (pos - 1) from hits over every token, k / pos (they differ by k / (pos (pos - 1)) < 1 / (pos - 1)),
        // but times pos - 1 the first is k and the second k - k / pos, at least 1 / pos from whole for 0 < k < pos. Allowed:
        // the rounding of a fraction held in float32 (Tolerance.For(Float32), the least precise dtype it could come from)
        // times the scored positions, 63 × 6.2e-5 ≈ 0.004 here, a quarter of that 1 / 64.
        var float32 = Tolerance.For(ScalarType.Float32, Device.type);
        foreach (var (label, _, accuracy) in rows)
        {
            var hits = accuracy * scored;
            Assert.That(Math.Abs(hits - Math.Round(hits)), Is.Not.NaN.And.AtMost(scored * float32.Allowed(accuracy, accuracy)),
                $"how far LogitLens.Evaluate's accuracy of row {label} ({accuracy:G6}) times the {scored} scored positions (batch × (pos - 1)), {hits:G6}, is from a whole number of correct predictions " +
                "(divide the hits by the positions that are scored, not by every token: the last position of each row predicts nothing)");
        }
        Assert.That(is_grad_enabled(), Is.True,
            "autograd after LogitLens.Evaluate returned to a caller that had it on: still off, so no_grad() was never disposed (using var noGrad = no_grad(), which puts the mode back)");
    }

    [Test, Points(1)]
    public void LogitLens_Logits_MatchTheReference()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        using var golden = Golden.Open("logit_lens_logits");
        var tokens = golden.Input("tokens", () => vocabulary.ToTokens(Text[..40])).to(Device);
        using var noGrad = no_grad();
        var (_, cache) = model.RunWithCache(tokens);

        golden.AssertClose("logits", LogitLens.Logits(model, cache),
            "LogitLens.Logits [component, batch, pos, d_vocab]: each accumulated resid through ln_final, then W_U");
    }

    [Test, Points(2)]
    public void DirectLogitAttribution_PartsOnRelativeClausePrompts_MatchTheReference()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        using var golden = Golden.Open("dla_checkpoint");
        var batch = AgreementBatch.Of(AgreementPrompts.Sample(32, 590, Clause.ObjectRelative), vocabulary);
        golden.AssertClose("tokens", batch.Tokens, "AgreementBatch.Of(prompts, vocabulary).Tokens, the given code's padded prompts", Tolerance.Exact);
        using var noGrad = no_grad();
        var (_, cache) = model.RunWithCache(batch.Tokens.to(Device));

        var (parts, _) = DirectLogitAttribution.Attribute(model, cache, batch, vocabulary);

        golden.AssertClose("parts", parts,
            "DirectLogitAttribution parts [component, batch]: (c - mean c) / cached scale * ln_final.w · direction");
    }

    [Test, Points(2)]
    public void ResidualsAtVerb_OnPromptsOfDifferentLengths_MatchTheReference()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        using var golden = Golden.Open("residuals_at_verb");
        var batch = AgreementBatch.Of(AgreementPrompts.Sample(16, 591, Clause.SubjectRelative), vocabulary);
        Assert.That(batch.Prompts.Select(p => p.Text.Length).Distinct().Count(), Is.GreaterThan(3), "the prompts are padded to different lengths");

        // Autograd on and the weights requiring grad, as in a caller that fine-tunes this copy: the doc promises a detached result anyway.
        foreach (var (_, parameter) in model.named_parameters()) parameter.requires_grad_(true);
        using var before = model.Hook("hook_embed").AddHook((_, _) => null); // a reading hook of the caller's, attached before the call

        var residuals = ProbeDataset.ResidualsAtVerb(model, batch);

        Assert.That(residuals.requires_grad, Is.False,
            "requires_grad of ProbeDataset.ResidualsAtVerb's result, called with autograd on: expected a detached tensor, as the doc says; " +
            "it holds the model's whole forward graph, so store activation.detach() in your hooks (RunWithCache does) or detach the result");
        golden.AssertClose("residuals", residuals, "ProbeDataset.ResidualsAtVerb [component, batch, d_model], each resid (mids too) at the verb");
        Assert.That(model.HookedPointNames(), Is.EqualTo(new[] { "hook_embed" }),
            "hook points holding a hook after ProbeDataset.ResidualsAtVerb returned, when the caller had one on hook_embed: expected only the caller's; " +
            "remove every hook you add (RunWithCache does), and only those (never ResetHooks)");

        // The doc's components hold for any depth, not only the checkpoint's 2 layers: a random model of 3 layers, read by the test's own hooks.
        using var seeded = new Seeded(593);
        var deeper = RandomModel.Create(seeded, n_layers: 3);
        var tokens = seeded.Randint(0, 7, [3, 8]); // [batch, pos]: 7 symbols and 8 positions, the random model's sizes
        var verb = tensor(new long[] { 7, 4, 5 }); // [batch]
        var prompts = new[] { "aaaaaaaa", "aaaaa", "aaaaaa" }.Select(t => new AgreementPrompt(t, "a", false, Clause.None, null, null)).ToList();
        var activations = RandomModel.Capture(deeper, tokens.to(Device));
        var names = Enumerable.Range(0, 3).SelectMany(l => new[] { $"blocks.{l}.hook_resid_pre", $"blocks.{l}.hook_resid_mid" }).Append("blocks.2.hook_resid_post");
        var expected = stack(names.Select(n => activations[n].cpu()[arange(3), verb])); // [7, batch, d_model]

        var deeperResiduals = ProbeDataset.ResidualsAtVerb(deeper, new AgreementBatch(tokens.clone(), verb.clone(), zeros(3, ScalarType.Bool), prompts));

        Assert.That(deeperResiduals.shape, Is.EqualTo(new long[] { 7, 3, 8 }),
            "ProbeDataset.ResidualsAtVerb on a 3-layer model: expected [component, batch, d_model] with 7 components (0_pre, 0_mid, ..., 2_pre, 2_mid, final_post); " +
            "take every layer of the model (AccumulatedResid with no layer), never a fixed count");
        TensorAssert.Close(deeperResiduals, expected, name: "ProbeDataset.ResidualsAtVerb on a 3-layer model against its resid_pre, resid_mid and final resid_post at the verb positions");
    }

    [Test, Points(3)]
    public void Probes_FittedOnFixedVectors_MatchTheReference()
    {
        using var seeded = new Seeded(592);
        using var golden = Golden.Open("probes_fixed");
        var x = golden.Input("x", () => seeded.RandnCpu([300, 12]) + seeded.RandnCpu([12]) * 2).to(Device); // [n, d]
        var y = golden.Input("y", () => (x.cpu()[.., 0] + 0.5 * seeded.RandnCpu([300]) > 0).to(ScalarType.Float64)).to(Device); // [n]

        // The training mean in float64, as LogisticProbe's doc says: of 300 float32 values in float64 it is exact to about
        // 1e-14 relative in any order of summation, on any device; taken in float32 and widened afterwards it is off by up
        // to half a float32 ulp (3e-8) and more for the float32 sum.
        var mean = x.to(ScalarType.Float64).mean([0]); // [d]
        // Fit at its defaults (l2 1e-3, 400 steps of size 1), replayed by the test's own loop: the doc's full-batch gradient
        // descent in float64 from w = 0, b = 0. These labels are nearly separable along x's first axis, so w keeps growing
        // to the last step (w after 200 or 300 steps is 30-70 % away from w after 400): every step asked for must be taken.
        var (expectedW, expectedB) = GradientDescent(x.to(ScalarType.Float64) - mean, y.to(ScalarType.Float64), l2: 1e-3, steps: 400, lr: 1.0);

        var logistic = LogisticProbe.Fit(x.clone(), y.clone(), l2: 1e-2, steps: 200, lr: 0.5);
        var atDefaults = LogisticProbe.Fit(x.clone(), y.clone());
        var means = DiffMeansProbe.Fit(x, y);

        TensorAssert.Close(logistic.Mean, mean, new Tolerance(1e-12, 0),
            "the logistic probe's Mean of float32 x: expected the mean in float64 (widen x first, then average), as the doc says");
        golden.AssertClose("logistic_w", logistic.W, "LogisticProbe.Fit(x, y, l2: 1e-2, steps: 200, lr: 0.5).W [12], gradient descent on centred x from 0");
        golden.AssertClose("logistic_b", tensor(logistic.B), "LogisticProbe.Fit(x, y, l2: 1e-2, steps: 200, lr: 0.5).B, gradient descent from 0");
        golden.AssertClose("diff_means_direction", means.Direction, "DiffMeansProbe.Fit(x, y).Direction [12], the unit vector from label 0's mean to label 1's");
        golden.AssertClose("diff_means_threshold", tensor(means.Threshold), "DiffMeansProbe.Fit(x, y).Threshold, halfway between the two means' projections on Direction");
        TensorAssert.Close(atDefaults.W, expectedW, name:
            "w of LogisticProbe.Fit(x, y) at its defaults (l2 1e-3, 400 steps, lr 1) against the test's own 400 gradient steps: take every one of the `steps` steps, with the defaults the doc gives");
        Assert.That(atDefaults.B, Is.EqualTo(expectedB).Within(1e-7 * Math.Max(1, Math.Abs(expectedB))),
            "b of LogisticProbe.Fit(x, y) at its defaults against the test's own 400 gradient steps");
    }

    /// <summary>The doc's fit on centred <paramref name="centred"/> <c>[n, d]</c>: w ← w - lr (xcᵀ(σ(xc w + b) - y) / n + 2 l2 w), b ← b - lr mean(σ(xc w + b) - y), from zero.</summary>
    static (Tensor W, double B) GradientDescent(Tensor centred, Tensor y, double l2, int steps, double lr)
    {
        var (w, b) = (zeros(centred.shape[1], ScalarType.Float64, centred.device), 0.0); // [d]
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var error = (centred.matmul(w) + b).sigmoid() - y; // [n]
            var gradB = error.mean().item<double>();
            w = (w - lr * (centred.t().matmul(error) / centred.shape[0] + 2 * l2 * w)).MoveToOuterDisposeScope();
            b -= lr * gradB;
        }
        return (w, b);
    }
}
