using Course.Lens;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw8.Circuits.Tests;

/// <summary>
/// The behavioural scores on patterns forced by a hook (so the answer is known exactly), and the repeated half's loss,
/// ablated or not, against the same loss computed here.
/// </summary>
public sealed class BehaviourTests : TorchTest
{
    const long Half = 2; // sequences of 2 random tokens, then the same 2

    // A context of 6 positions, longer than the 2 × Half tokens: half is the tokens' (2), not n_ctx / 2 (3).
    static HookedTransformerConfig LongerContext => SmallModel.Config with { n_ctx = 6 };

    static HookedAttnOnlyTransformer Model(long seed) => SmallModel.Make(seed, TestDevice.Current, LongerContext);

    static Tensor Tokens(long seed) => RepeatedTokens.Repeated(6, Half, SmallModel.Config.d_vocab, new Generator((ulong)seed)).to(TestDevice.Current); // [6, 4]

    /// <summary>Replaces head <paramref name="head"/>'s pattern in <paramref name="layer"/> with all attention on key <c>keyOf(query)</c>.</summary>
    static IDisposable Force(HookedAttnOnlyTransformer model, int layer, int head, Func<int, int> keyOf) => Force(model, layer, head, (_, q) => keyOf(q));

    /// <summary>The same with a key that depends on the row too: all attention of row b's query q on key <c>keyOf(b, q)</c>.</summary>
    static IDisposable Force(HookedAttnOnlyTransformer model, int layer, int head, Func<int, int, int> keyOf) =>
        model.Hook($"blocks.{layer}.attn.hook_pattern").AddHook((pattern, _) => // [batch, head, query_pos, key_pos]
        {
            var forced = pattern.clone();
            long positions = pattern.shape[2];
            forced[.., head] = zeros(positions, positions, pattern.dtype, pattern.device);
            for (int b = 0; b < pattern.shape[0]; b++)
                for (int q = 0; q < positions; q++) forced[b, head, q, keyOf(b, q)] = 1;
            return forced;
        });

    const int Rows = 6; // the batch of Tokens(seed)

    [Test, Points(2)]
    public void PrevTokenScores_OfAHeadThatOnlyAttendsToThePreviousToken_IsOne()
    {
        var model = Model(6);
        using var forced = Force(model, 1, 2, q => Math.Max(q - 1, 0));
        // And head 1.0 attends to the previous token in the last 4 of the 6 rows only, to itself in the first 2: 4/6 over the batch.
        using var someRows = Force(model, 1, 0, (b, q) => b >= 2 ? Math.Max(q - 1, 0) : q);

        var scores = Behaviour.PrevTokenScores(model, Tokens(1));

        TensorAssert.Shape(scores, [2, 3], "PrevTokenScores [n_layers, n_heads]");
        Assert.That(scores[1, 2].ToDouble(), Is.EqualTo(1).Within(1e-6),
            "head 1.2 puts all its attention on key q - 1 for every query q >= 1: its score is the mean of pattern[q, q - 1] over q >= 1 (diagonal -1 of the last two axes)");
        Assert.That(scores[1, 1].ToDouble(), Is.Not.NaN.And.LessThan(0.99), "and an unforced head does not score 1");
        Assert.That(scores[1, 0].ToDouble(), Is.EqualTo(4.0 / Rows).Within(1e-6),
            $"head 1.0 puts all its attention on key q - 1 in rows 2-5 of the {Rows} and on the query itself in rows 0-1: its score is the mean over the whole batch, 4/{Rows} (1 means only the last rows were read, 0 only the first)");
    }

    [Test, Points(2)]
    public void InductionScores_OfAHeadThatAttendsToTheTokenAfterTheEarlierOccurrence_IsOne()
    {
        var model = Model(7);
        // Query q >= Half attends to q - Half + 1 (the token after the first occurrence of q's token); the others to themselves.
        using var forced = Force(model, 0, 1, q => q >= Half ? (int)(q - Half + 1) : q);
        // And head 0.0 the same in the last 4 of the 6 rows only, attending to itself in the first 2: 4/6 over the batch.
        using var someRows = Force(model, 0, 0, (b, q) => b >= 2 && q >= Half ? (int)(q - Half + 1) : q);

        var scores = Behaviour.InductionScores(model, Tokens(2));

        TensorAssert.Shape(scores, [2, 3], "InductionScores [n_layers, n_heads]");
        Assert.That(scores[0, 1].ToDouble(), Is.EqualTo(1).Within(1e-6),
            $"with sequences of 2 × {Half} tokens (in a context of {LongerContext.n_ctx}: half is tokens.shape[1] / 2), head 0.1 attends from each query q in the second half " +
            $"to key q - {Half} + 1: its induction score is the mean over those queries only");
        Assert.That(scores[1, 1].ToDouble(), Is.Not.NaN.And.LessThan(0.99), "and an unforced head does not score 1");
        Assert.That(scores[0, 0].ToDouble(), Is.EqualTo(4.0 / Rows).Within(1e-6),
            $"head 0.0 attends to key q - {Half} + 1 from the second half's queries in rows 2-5 of the {Rows} and to the query itself in rows 0-1: its score is the mean over the whole batch, 4/{Rows} (1 means only the last rows were read, 0 only the first)");
    }

    [Test, Points(2)]
    public void PrevTokenScores_OfAHeadThatAttendsToThePreviousTokenFromTheLastQueryOnly_IsOneOverTheQueryCount()
    {
        var model = Model(6);
        const int last = 2 * (int)Half - 1; // the tokens' last position (3); every other query attends to itself
        using var forced = Force(model, 1, 0, q => q == last ? q - 1 : q);
        // And head 1.1 the same in the last 4 of the 6 rows only, attending to itself everywhere in the first 2.
        using var someRows = Force(model, 1, 1, (b, q) => b >= 2 && q == last ? q - 1 : q);

        var scores = Behaviour.PrevTokenScores(model, Tokens(1));

        // pattern[q, q - 1] is 1 at q = 3 and 0 at q = 1, 2: the mean over the queries 1..pos - 1 is 1/3. Leaving out the
        // last query gives 0, leaving out query 1 gives 1/2, counting query 0 (which has no previous token) gives 1/4.
        double expected = 1.0 / last;
        Assert.That(scores[1, 0].ToDouble(), Is.EqualTo(expected).Within(Tolerance.For(ScalarType.Float32, DeviceType.CPU).Allowed(expected, expected)),
            $"head 1.0 attends to the previous token from the last query ({last}) only and to itself elsewhere, so its score is 1 / {last} " +
            $"(the mean of pattern[q, q - 1] over every q = 1..{last}): 0 means the last query was left out, 1/2 the first, 1/4 query 0 was counted");

        double expectedSomeRows = 4.0 / Rows / last;
        Assert.That(scores[1, 1].ToDouble(), Is.EqualTo(expectedSomeRows).Within(Tolerance.For(ScalarType.Float32, DeviceType.CPU).Allowed(expectedSomeRows, expectedSomeRows)),
            $"head 1.1 attends to the previous token from the last query in rows 2-5 of the {Rows} only, and to itself elsewhere: its score is the mean over the whole batch " +
            $"of 1 / {last} in 4 rows and 0 in 2, 4/{Rows} × 1/{last} (1/{last} means only the last rows were read, 0 only the first)");
    }

    [Test, Points(2)]
    public void InductionScores_OfAHeadThatAttendsToTheTokenAfterTheEarlierOccurrenceFromTheLastQueryOnly_IsOneOverHalf()
    {
        var model = Model(7);
        const int last = 2 * (int)Half - 1; // the tokens' last position (3); query half - 1 attends to key 0, every other query to itself
        using var forced = Force(model, 0, 2, q => q == last ? (int)(q - Half + 1) : q == Half - 1 ? 0 : q);
        // And head 0.0 the same in the last 4 of the 6 rows only, attending to itself everywhere in the first 2.
        using var someRows = Force(model, 0, 0, (b, q) => b >= 2 && q == last ? (int)(q - Half + 1) : q);

        var scores = Behaviour.InductionScores(model, Tokens(2));

        // pattern[q, q - half + 1] is 1 at q = 3 and 0 at q = 2: the mean over the second half's queries half..2 half - 1 is
        // 1/half. Query half - 1, in the first half, also sits on that diagonal (its key is 0), and attends there: it is no
        // repeat, so it must not count. Leaving out the last query gives 0, leaving out the first repeated query (half) gives
        // 1, averaging query half - 1 in gives 2/3, and summing the whole diagonal over half gives 1.
        double expected = 1.0 / Half;
        Assert.That(scores[0, 2].ToDouble(), Is.EqualTo(expected).Within(Tolerance.For(ScalarType.Float32, DeviceType.CPU).Allowed(expected, expected)),
            $"head 0.2 attends to key q - {Half} + 1 from the last query ({last}) only, to key 0 from query {Half - 1} and to itself elsewhere, so its induction score is 1 / {Half} " +
            $"(the mean over every second-half query q = {Half}..{last}): 0 means the last query was left out, 1 the first repeated query ({Half}) was left out or query {Half - 1}'s " +
            $"attention was added to the sum, 2/3 query {Half - 1} was averaged in");

        double expectedSomeRows = 4.0 / Rows / Half;
        Assert.That(scores[0, 0].ToDouble(), Is.EqualTo(expectedSomeRows).Within(Tolerance.For(ScalarType.Float32, DeviceType.CPU).Allowed(expectedSomeRows, expectedSomeRows)),
            $"head 0.0 attends to key q - {Half} + 1 from the last query in rows 2-5 of the {Rows} only, and to itself elsewhere: its induction score is the mean over the whole batch " +
            $"of 1 / {Half} in 4 rows and 0 in 2, 4/{Rows} × 1/{Half} (1/{Half} means only the last rows were read, 0 only the first)");
    }

    [TestCase(false), TestCase(true)]
    [Points(3)]
    public void RepeatedHalfLoss_IsTheMeanLossOfPredictingTheSecondHalfAfterItsFirstToken_WithAHeadMeanAblatedWhenAsked(bool ablate)
    {
        var model = Model(8);
        var tokens = Tokens(3); // [batch, 2 half]
        // Every loss the test expects, computed here before homework code has the model: with head 0.2 ablated when asked,
        // and then head 1.1 (the hook goes on the layer asked for), and head 0.1 for the message of a hook always on layer 0.
        double expected = ExpectedLoss(model, tokens, ablate ? (0, 2) : null);
        double expectedLayer1 = ExpectedLoss(model, tokens, (1, 1)), layer0Head1 = ExpectedLoss(model, tokens, (0, 1));

        double loss = Behaviour.RepeatedHalfLoss(model, tokens, ablate ? (0, 2) : null);

        Assert.That(loss, Is.EqualTo(expected).Within(Tolerance.For(ScalarType.Float32, DeviceType.CPU).Allowed(expected, expected)),
            $"the mean cross-entropy of the logits at positions half..2 half - 2 against the tokens one later, with half = tokens.shape[1] / 2 = {Half} (the context, {LongerContext.n_ctx}, is longer)" +
            (ablate ? ", with head 0.2's hook_z replaced by its mean over the batch (dim 0) at each position" : ""));
        Assert.That(model.Hook("blocks.0.attn.hook_z").HookCount, Is.Zero, "the ablation hook is removed afterwards");
        if (!ablate) return;

        double lossLayer1 = Behaviour.RepeatedHalfLoss(model, tokens, (1, 1));
        Assert.That(lossLayer1, Is.EqualTo(expectedLayer1).Within(Tolerance.For(ScalarType.Float32, DeviceType.CPU).Allowed(expectedLayer1, expectedLayer1)),
            $"the same loss with head 1.1 mean-ablated (layer 1's hook_z, head 1): the hook goes on blocks.{{layer}}.attn.hook_z of the layer asked for (layer 0's head 1 ablated gives {layer0Head1:F4})");
        Assert.That(model.Hook("blocks.1.attn.hook_z").HookCount, Is.Zero, "the ablation hook is removed afterwards");
    }

    /// <summary>The repeated half's loss on <paramref name="tokens"/>, with <paramref name="ablated"/>'s hook_z replaced by its batch mean, by the test's own hook.</summary>
    static double ExpectedLoss(HookedAttnOnlyTransformer model, Tensor tokens, (int Layer, int Head)? ablated)
    {
        using var noGrad = no_grad();
        using var hook = ablated is (int layer, int head) ? model.Hook($"blocks.{layer}.attn.hook_z").AddHook((z, _) =>
        {
            var replaced = z.clone(); // [batch, pos, head, d_head]
            replaced[.., .., head] = z[.., .., head].mean([0], keepdim: true).expand_as(z[.., .., head]);
            return replaced;
        }) : null;
        var logits = model.call(tokens.clone()); // [batch, 2 half, d_vocab]
        return nn.functional.cross_entropy(logits[.., (int)Half..^1].reshape(-1, 7), tokens[.., (int)(Half + 1)..].reshape(-1)).ToDouble();
    }
}
