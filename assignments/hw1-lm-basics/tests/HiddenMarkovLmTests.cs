using System.Diagnostics;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw1.LmBasics.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenMarkovLmTests : TorchTest
{
    [Test, Points(1)]
    public void Forward_KeepsLeadingDimensions()
    {
        var lm = new MarkovLm(7);
        var W = arange(49, ScalarType.Float32).reshape(7, 7);
        using (no_grad()) lm.W.copy_(W);
        lm.to(Device);
        var tokens = tensor(new long[] { 5, 1, 2, 3, 0, 5 }, [2, 3]);
        var expected = W.index_select(0, tokens.flatten()).reshape(2, 3, 7);

        var logits = lm.call(tokens.to(Device));

        TensorAssert.Shape(logits, [2, 3, 7], "MarkovLm.forward(tokens [2, 3]) → [2, 3, V]");
        TensorAssert.Close(logits.cpu(), expected, name:
            "MarkovLm.forward(tokens [2, 3]) with W = arange(49).reshape(7, 7): logits[b, t] = row tokens[b, t] of W");
        // A model moved to float64 computes in float64: the one-hot vectors take W's dtype. (A float32 one-hot times a
        // float64 W stops the test process: libtorch's matmul aborts on mixed dtypes.)
        var lm64 = new MarkovLm(7);
        lm64.to(ScalarType.Float64);
        lm64.to(Device);
        var loss64 = lm64.Loss(tensor(new long[] { 0, 1, 2 }).to(Device), tensor(new long[] { 1, 2, 0 }).to(Device));
        Assert.That(loss64.dtype, Is.EqualTo(ScalarType.Float64),
            "MarkovLm.Loss of a model moved to float64: a scalar of W's dtype, float64 (make the one-hot vectors W.dtype, not float32)");
    }

    [Test, Points(1)]
    public void Loss_AndTransitionMatrix_StayFinite_ForLogitsInTheHundreds()
    {
        // exp overflows float32 above 88.7, so a softmax written out as exp(z) / sum exp(z) is inf / inf = NaN for these
        // logits; softmax, log_softmax, logsumexp and cross_entropy subtract each row's maximum first.
        using var seeded = new Seeded(204);
        var W = seeded.RandnCpu([5, 5]) * 100; // [V, V] float32, entries up to about 250
        var current = tensor(new long[] { 0, 1, 2, 3, 4, 0, 3 });
        var next = tensor(new long[] { 1, 2, 3, 4, 0, 2, 3 });
        long pairs = current.shape[0];
        var expectedLoss = nn.functional.cross_entropy(W.index_select(0, current), next);
        var expectedM = W.to_type(ScalarType.Float64).softmax(-1); // [V, V]
        var lm = new MarkovLm(5);
        using (no_grad()) lm.W.copy_(W);
        lm.to(Device);

        var loss = lm.Loss(current.to(Device), next.to(Device));
        var M = lm.TransitionMatrix();

        TensorAssert.Close(loss.detach(), expectedLoss.to(Device), name:
            $"MarkovLm.Loss with W = 100 randn(5, 5), logits in the hundreds, the mean over {pairs} pairs{LossHint(loss, expectedLoss, pairs)}");
        // W is float32, so a softmax taken in W's dtype and then widened is as right as one taken in float64.
        TensorAssert.Close(M, expectedM.to(Device), Tolerance.For(ScalarType.Float32, Device.type),
            "MarkovLm.TransitionMatrix() with W = 100 randn(5, 5): softmax(W) over each row (softmax subtracts each row's maximum; exp(W) / sum exp(W) overflows to NaN)");
    }

    [Test, Points(4)]
    public void Fit_OnCharacterBigrams_LearnsTheCountBasedTransitionMatrix()
    {
        var clock = Stopwatch.StartNew();
        var text = SentenceGrammar.Corpus(300, seed: 16);
        // Tokenised and counted here, not with your CharTokenizer and Bigram (they have tests of their own): U+FFFD, then
        // the distinct characters in ordinal order, as CharTokenizer.Fit lays them out.
        var symbols = text.Distinct().Order().Prepend(CharTokenizer.Unknown).ToList();
        var ids = text.Select(c => (long)symbols.IndexOf(c)).ToArray(); // about 8000 characters
        long V = symbols.Count;
        var tokens = tensor(ids); // [n]
        var counts = bincount(tokens[..^1] * V + tokens[1..], minlength: (int)(V * V)).reshape(V, V).to_type(ScalarType.Float64); // [V, V]
        var mle = counts / counts.sum(1, keepdim: true).clamp_min(1); // [V, V]
        var frequent = counts.sum(1) >= 200; // [V]: rows with enough data to pin the estimate down
        var lm = new MarkovLm(V);
        lm.to(Device);

        var losses = lm.Fit(tokens[..^1].to(Device), tokens[1..].to(Device), steps: 300, lr: 0.3);
        var learned = lm.TransitionMatrix().cpu();
        Assert.That(losses, Has.Length.EqualTo(300), "MarkovLm.Fit(..., steps: 300) returns one loss per step");
        Assert.That(losses[0], Is.EqualTo(Math.Log(V)).Within(1e-4),
            $"the first of Fit's losses, that of the untrained (uniform) model before any update, is ln V{FirstLossHint(losses, Math.Log(V), ids.Length - 1)}");

        var gap = (learned - mle).abs()[frequent].max().ToDouble();
        TestContext.Out.WriteLine($"max |softmax(W) - M_mle| on {frequent.sum().item<long>()} frequent rows: {gap:F4}, {clock.Elapsed.TotalSeconds:F1} s");
        // The reference gets 0.0004 with corpus seeds 16, 17 and 18 (12 frequent rows, 300 steps, 0.5 to 0.9 s).
        Assert.That(gap, Is.Not.NaN.And.LessThan(0.02),
            $"after training, softmax(W) should match the count-based M on rows seen 200+ times; worst difference {gap:F3}. " +
            "Check TransitionMatrix (softmax over the last dimension) and that Fit trains with Adam at the given lr.");
    }

    /// <summary>What a loss that differs from <paramref name="expected"/> over <paramref name="pairs"/> pairs fits: overflow, a sum, or neither.</summary>
    static string LossHint(Tensor loss, Tensor expected, long pairs)
    {
        if (loss.numel() != 1 || !loss.is_floating_point())
            return "";
        double got = loss.detach().ToDouble(), want = expected.ToDouble();
        if (!double.IsFinite(got))
            return ": not finite, as log(exp(z) / sum exp(z)) is when exp(z) overflows: use cross_entropy, or a log-softmax that subtracts each row's maximum";
        if (Math.Abs(got / want - pairs) <= 0.01 * pairs)
            return $": {pairs} times the mean, so a sum over the {pairs} pairs instead of their mean? (MarkovLm.Loss's own tests check it on small logits)";
        return " (cross_entropy, or a log-softmax that subtracts each row's maximum; if MarkovLm.Loss's tests on small logits fail, fix that first)";
    }

    /// <summary>What a first loss of Fit that is not ln V fits: a sum over the pairs, a loss recorded after an update, or neither.</summary>
    static string FirstLossHint(double[] losses, double lnV, long pairs)
    {
        if (losses.Length == 0)
            return "";
        double first = losses[0];
        if (double.IsFinite(first) && Math.Abs(first / lnV - pairs) <= 0.01 * pairs)
            return $": {first:G6} is {first / lnV:F0} times ln V, about the {pairs} pairs, so MarkovLm.Loss sums over the pairs instead of taking their mean? (its own tests check it)";
        if (double.IsFinite(first) && first < lnV && first > 0)
            return ": it is below ln V, as if recorded after an update? Record each step's loss before its update, from the first (if MarkovLm.Loss's own tests fail, fix that first)";
        return ": if MarkovLm.Loss's own tests fail, fix that first";
    }
}
