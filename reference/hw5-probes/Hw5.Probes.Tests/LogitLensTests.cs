using Course.Lens;
using Course.Lens.Agreement;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw5.Probes.Tests;

public sealed class LogitLensTests : TorchTest
{
    [Test, Points(3)]
    public void Logits_OfTheFinalResidualStream_AreTheModelsOwnLogits()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var tokens = vocabulary.ToTokens("the dogs that the cat chases run . a bird sings .").to(Device);
        var pos = tokens.shape[1];
        var expected = model.call(tokens).detach();
        var (logits, cache) = model.RunWithCache(tokens.clone());

        var lens = LogitLens.Logits(model, cache);

        Assert.That(lens.shape, Is.EqualTo(new long[] { 3, 1, pos, vocabulary.Size }), "[component, batch, pos, d_vocab]: 0_pre, 1_pre, final_post");
        TensorAssert.Close(lens[2], logits, name: "the logit lens of final_post against the model's logits");
        TensorAssert.Close(lens[2], expected, name: "the logit lens of final_post against model.call's logits, computed by the test");
    }

    [Test, Points(2)]
    public void Logits_OfAnEarlierLayer_ApplyTheFinalLayerNormAfresh_ThenTheUnembedding()
    {
        using var seeded = new Seeded(520);
        var model = SmallModel.Create(seeded, Device);
        // The weights as made, before homework code has the model.
        var (w, b, W_U, b_U) = (model.ln_final.w.clone(), model.ln_final.b.clone(), model.W_U.clone(), model.b_U.clone());
        var (_, cache) = model.RunWithCache(SmallModel.Tokens(seeded, Device));
        var resid = cache["resid_pre", 1]; // [batch, pos, d_model]
        var centred = resid - resid.mean([-1], keepdim: true);
        var normalised = centred / (centred.pow(2).mean([-1], keepdim: true) + 1e-5).sqrt() * w + b;
        var cachedBefore = resid.clone();

        var lens = LogitLens.Logits(model, cache);

        TensorAssert.Close(cache["resid_pre", 1], cachedBefore, Tolerance.Exact,
            "the cache's resid_pre of layer 1 after LogitLens.Logits read it: apply ln_final to the cached streams (a new tensor), never normalise the cache's tensors in place");

        TensorAssert.Close(lens[1], normalised.matmul(W_U) + b_U, name:
            "the logit lens of 1_pre against ln_final (with this residual stream's own scale, not the cached one) and W_U, b_U");
    }

    [Test, Points(3)]
    public void Evaluate_ScoresEachLayersPredictionOfTheNextCharacter()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var tokens = cat([vocabulary.ToTokens("the dogs that the cat chases run . a bird sings ."),
            vocabulary.ToTokens("a bird that the dogs chase sings . the cat runs .")], 0).to(Device); // [2, pos]
        double loss, accuracy;
        long scored;
        using (no_grad()) // only around the test's own numbers: Evaluate is called with autograd on, as a training loop's caller has it
        {
            var logits = model.call(tokens)[.., ..^1]; // [2, pos - 1, d_vocab]
            var targets = tokens[.., 1..]; // [2, pos - 1]
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), targets.reshape(-1)).ToDouble();
            accuracy = (logits.argmax(-1) == targets).to(ScalarType.Float64).mean().ToDouble();
            scored = targets.numel();
        }
        // Every row, not only final_post: each is the next-character loss and accuracy of LogitLens.Logits' row for its component
        // (Logits' own tests check those rows), so rows before the last cannot be anything but the lens.
        double[] lensLosses, lensAccuracies;
        using (no_grad())
        {
            var (_, cache) = model.RunWithCache(tokens.clone());
            var lens = LogitLens.Logits(model, cache); // [component, 2, pos, d_vocab]
            var targets = tokens[.., 1..].reshape(-1); // [2 * (pos - 1)]
            var rowsOfLens = Enumerable.Range(0, (int)lens.shape[0]).Select(c => lens[c][.., ..^1].reshape(-1, lens.shape[^1])).ToList(); // [2 * (pos - 1), d_vocab] each
            lensLosses = [.. rowsOfLens.Select(l => nn.functional.cross_entropy(l, targets).ToDouble())];
            lensAccuracies = [.. rowsOfLens.Select(l => (l.argmax(-1) == targets).to(ScalarType.Float64).mean().ToDouble())];
        }

        LensLayer[] rows = [.. LogitLens.Evaluate(model, tokens)];
        // Each value read once, into the test's own arrays: the checks below compare those copies only.
        (string[] labels, double[] losses, double[] accuracies) = ([.. rows.Select(r => r.Label)], [.. rows.Select(r => r.Loss)], [.. rows.Select(r => r.Accuracy)]);

        Assert.That(labels, Is.EqualTo(new[] { "0_pre", "1_pre", "final_post" }));
        Assert.That(losses[^1], Is.EqualTo(loss).Within(Tolerance.For(ScalarType.Float32, Device.type).Allowed(loss, loss)),
            "final_post's loss: the model's own next-character cross-entropy over every row of the batch of 2 (the last position predicts nothing)");
        // A position whose two best logits are within rounding of each other may pick the other on other hardware: one such flip is allowed.
        Assert.That(accuracies[^1], Is.EqualTo(accuracy).Within(1.0 / scored), "final_post's accuracy over both rows: how often the argmax is the next character");
        Assert.That(losses[0], Is.GreaterThan(losses[^1]), "the embedding alone predicts worse than the whole model");
        for (int c = 0; c < Math.Min(labels.Length, lensLosses.Length); c++)
        {
            Assert.That(losses[c], Is.EqualTo(lensLosses[c]).Within(Tolerance.For(ScalarType.Float32, Device.type).Allowed(lensLosses[c], lensLosses[c])),
                $"{labels[c]}'s loss: the next-character cross-entropy of LogitLens.Logits' row {c} (the lens of that residual stream), over both rows of the batch");
            Assert.That(accuracies[c], Is.EqualTo(lensAccuracies[c]).Within(1.0 / scored), $"{labels[c]}'s accuracy: how often the argmax of LogitLens.Logits' row {c} is the next character");
        }
        Assert.That(is_grad_enabled(), Is.True,
            "autograd after LogitLens.Evaluate returned to a caller that had it on: still off, so no_grad() was never disposed (using var noGrad = no_grad(), which puts the mode back)");
    }
}
