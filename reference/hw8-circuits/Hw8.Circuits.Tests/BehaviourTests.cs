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
    static IDisposable Force(HookedAttnOnlyTransformer model, int layer, int head, Func<int, int> keyOf) =>
        model.Hook($"blocks.{layer}.attn.hook_pattern").AddHook((pattern, _) => Forced(pattern, head, (_, q) => keyOf(q)));

    /// <summary>
    /// The same with a key that depends on the row too: all attention of query q of a row whose first token is odd on key
    /// <c>keyOf(q)</c>, and of other rows on the query itself. A row is told by its tokens (read at <c>hook_embed</c>), not
    /// by its place in the batch a forward pass was given: a solution may run the rows in batches of any size, one at a
    /// time say (round 19 had a correct one that the rows' places failed).
    /// </summary>
    static IDisposable ForceInOddRows(HookedAttnOnlyTransformer model, int layer, int head, Func<int, int> keyOf)
    {
        Tensor vocabulary; // [d_vocab, d_model], read before homework code has the model
        using (no_grad())
            vocabulary = model.W_E.detach().clone();
        bool[] oddRows = [];
        var read = model.Hook("hook_embed").AddHook((embedded, _) => // [batch, pos, d_model]
        {
            var firsts = embedded[.., 0].detach().to(vocabulary.device); // [batch, d_model]
            oddRows = [.. Enumerable.Range(0, (int)firsts.shape[0]).Select(b =>
                Enumerable.Range(0, (int)vocabulary.shape[0]).Single(v => firsts[b].allclose(vocabulary[v], rtol: 0, atol: 0)) % 2 == 1)];
            return null;
        });
        var force = model.Hook($"blocks.{layer}.attn.hook_pattern").AddHook((pattern, _) => Forced(pattern, head, (b, q) => oddRows[b] ? keyOf(q) : q));
        return new Both(read, force);
    }

    /// <summary>How many rows of <paramref name="tokens"/> <c>[batch, pos]</c> begin with an odd token: the rows <see cref="ForceInOddRows"/> forces.</summary>
    static int OddRows(Tensor tokens)
    {
        var odd = tokens[.., 0].cpu().data<long>().Count(t => t % 2 == 1);
        Assert.That(odd, Is.InRange(1, Rows - 1), "rows of the test's tokens that begin with an odd token: some, not all, so that a score of one row or of all differs from the batch's");
        return odd;
    }

    /// <summary><paramref name="pattern"/> <c>[batch, head, query_pos, key_pos]</c> with head <paramref name="head"/>'s row b, query q all on key <c>keyOf(b, q)</c>.</summary>
    static Tensor Forced(Tensor pattern, int head, Func<int, int, int> keyOf)
    {
        var forced = pattern.clone();
        long positions = pattern.shape[2];
        forced[.., head] = zeros(positions, positions, pattern.dtype, pattern.device);
        for (int b = 0; b < pattern.shape[0]; b++)
            for (int q = 0; q < positions; q++) forced[b, head, q, keyOf(b, q)] = 1;
        return forced;
    }

    sealed class Both(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            second.Dispose();
            first.Dispose();
        }
    }

    const int Rows = 6; // the batch of Tokens(seed)

    [Test, Points(2)]
    public void PrevTokenScores_OfAHeadThatOnlyAttendsToThePreviousToken_IsOne()
    {
        var model = Model(6);
        using var forced = Force(model, 1, 2, q => Math.Max(q - 1, 0));
        // And head 1.0 attends to the previous token in the rows that begin with an odd token only, to itself in the others: odd/6 over the batch.
        var tokens = Tokens(4); // 4 of its 6 rows begin with an odd token, the first among them and the last not
        var odd = OddRows(tokens);
        using var someRows = ForceInOddRows(model, 1, 0, q => Math.Max(q - 1, 0));

        var scores = Behaviour.PrevTokenScores(model, tokens.clone());

        TensorAssert.Shape(scores, [2, 3], "PrevTokenScores [n_layers, n_heads]");
        Assert.That(scores[1, 2].ToDouble(), Is.EqualTo(1).Within(1e-6),
            "head 1.2 puts all its attention on key q - 1 for every query q >= 1: its score is the mean of pattern[q, q - 1] over q >= 1 (diagonal -1 of the last two axes)");
        Assert.That(scores[1, 1].ToDouble(), Is.Not.NaN.And.LessThan(0.99), "and an unforced head does not score 1");
        Assert.That(scores[1, 0].ToDouble(), Is.EqualTo((double)odd / Rows).Within(1e-6),
            $"head 1.0 puts all its attention on key q - 1 in the {odd} rows of the {Rows} that begin with an odd token and on the query itself in the others: its score is the mean over the whole batch, {odd}/{Rows} (1 or 0 means one row's pattern was read, not the batch's)");
    }

    [Test, Points(2)]
    public void InductionScores_OfAHeadThatAttendsToTheTokenAfterTheEarlierOccurrence_IsOne()
    {
        var model = Model(7);
        // Query q >= Half attends to q - Half + 1 (the token after the first occurrence of q's token); the others to themselves.
        using var forced = Force(model, 0, 1, q => q >= Half ? (int)(q - Half + 1) : q);
        // And head 0.0 the same in the rows that begin with an odd token only, attending to itself in the others: odd/6 over the batch.
        var tokens = Tokens(4); // 4 of its 6 rows begin with an odd token, the first among them and the last not
        var odd = OddRows(tokens);
        using var someRows = ForceInOddRows(model, 0, 0, q => q >= Half ? (int)(q - Half + 1) : q);

        var scores = Behaviour.InductionScores(model, tokens.clone());

        TensorAssert.Shape(scores, [2, 3], "InductionScores [n_layers, n_heads]");
        Assert.That(scores[0, 1].ToDouble(), Is.EqualTo(1).Within(1e-6),
            $"with sequences of 2 × {Half} tokens (in a context of {LongerContext.n_ctx}: half is tokens.shape[1] / 2), head 0.1 attends from each query q in the second half " +
            $"to key q - {Half} + 1: its induction score is the mean over those queries only");
        Assert.That(scores[1, 1].ToDouble(), Is.Not.NaN.And.LessThan(0.99), "and an unforced head does not score 1");
        Assert.That(scores[0, 0].ToDouble(), Is.EqualTo((double)odd / Rows).Within(1e-6),
            $"head 0.0 attends to key q - {Half} + 1 from the second half's queries in the {odd} rows of the {Rows} that begin with an odd token and to the query itself in the others: its score is the mean over the whole batch, {odd}/{Rows} (1 or 0 means one row's pattern was read, not the batch's)");
    }

    [Test, Points(2)]
    public void PrevTokenScores_OfAHeadThatAttendsToThePreviousTokenFromTheLastQueryOnly_IsOneOverTheQueryCount()
    {
        var model = Model(6);
        const int last = 2 * (int)Half - 1; // the tokens' last position (3); every other query attends to itself
        using var forced = Force(model, 1, 0, q => q == last ? q - 1 : q);
        // And head 1.1 the same in the rows that begin with an odd token only, attending to itself everywhere in the others.
        var tokens = Tokens(4); // 4 of its 6 rows begin with an odd token, the first among them and the last not
        var odd = OddRows(tokens);
        using var someRows = ForceInOddRows(model, 1, 1, q => q == last ? q - 1 : q);

        var scores = Behaviour.PrevTokenScores(model, tokens.clone());

        // pattern[q, q - 1] is 1 at q = 3 and 0 at q = 1, 2: the mean over the queries 1..pos - 1 is 1/3. Leaving out the
        // last query gives 0, leaving out query 1 gives 1/2, counting query 0 (which has no previous token) gives 1/4.
        double expected = 1.0 / last;
        Assert.That(scores[1, 0].ToDouble(), Is.EqualTo(expected).Within(Tolerance.For(ScalarType.Float32, DeviceType.CPU).Allowed(expected, expected)),
            $"head 1.0 attends to the previous token from the last query ({last}) only and to itself elsewhere, so its score is 1 / {last} " +
            $"(the mean of pattern[q, q - 1] over every q = 1..{last}): 0 means the last query was left out, 1/2 the first, 1/4 query 0 was counted");

        double expectedSomeRows = (double)odd / Rows / last;
        Assert.That(scores[1, 1].ToDouble(), Is.EqualTo(expectedSomeRows).Within(Tolerance.For(ScalarType.Float32, DeviceType.CPU).Allowed(expectedSomeRows, expectedSomeRows)),
            $"head 1.1 attends to the previous token from the last query in the {odd} rows of the {Rows} that begin with an odd token only, and to itself elsewhere: its score is the mean " +
            $"over the whole batch of 1 / {last} in {odd} rows and 0 in the others, {odd}/{Rows} × 1/{last} (1/{last} or 0 means one row's pattern was read, not the batch's)");
    }

    [Test, Points(2)]
    public void InductionScores_OfAHeadThatAttendsToTheTokenAfterTheEarlierOccurrenceFromTheLastQueryOnly_IsOneOverHalf()
    {
        var model = Model(7);
        const int last = 2 * (int)Half - 1; // the tokens' last position (3); query half - 1 attends to key 0, every other query to itself
        using var forced = Force(model, 0, 2, q => q == last ? (int)(q - Half + 1) : q == Half - 1 ? 0 : q);
        // And head 0.0 the same in the rows that begin with an odd token only, attending to itself everywhere in the others.
        var tokens = Tokens(4); // 4 of its 6 rows begin with an odd token, the first among them and the last not
        var odd = OddRows(tokens);
        using var someRows = ForceInOddRows(model, 0, 0, q => q == last ? (int)(q - Half + 1) : q);

        var scores = Behaviour.InductionScores(model, tokens.clone());

        // pattern[q, q - half + 1] is 1 at q = 3 and 0 at q = 2: the mean over the second half's queries half..2 half - 1 is
        // 1/half. Query half - 1, in the first half, also sits on that diagonal (its key is 0), and attends there: it is no
        // repeat, so it must not count. Leaving out the last query gives 0, leaving out the first repeated query (half) gives
        // 1, averaging query half - 1 in gives 2/3, and summing the whole diagonal over half gives 1.
        double expected = 1.0 / Half;
        Assert.That(scores[0, 2].ToDouble(), Is.EqualTo(expected).Within(Tolerance.For(ScalarType.Float32, DeviceType.CPU).Allowed(expected, expected)),
            $"head 0.2 attends to key q - {Half} + 1 from the last query ({last}) only, to key 0 from query {Half - 1} and to itself elsewhere, so its induction score is 1 / {Half} " +
            $"(the mean over every second-half query q = {Half}..{last}): 0 means the last query was left out, 1 the first repeated query ({Half}) was left out or query {Half - 1}'s " +
            $"attention was added to the sum, 2/3 query {Half - 1} was averaged in");

        double expectedSomeRows = (double)odd / Rows / Half;
        Assert.That(scores[0, 0].ToDouble(), Is.EqualTo(expectedSomeRows).Within(Tolerance.For(ScalarType.Float32, DeviceType.CPU).Allowed(expectedSomeRows, expectedSomeRows)),
            $"head 0.0 attends to key q - {Half} + 1 from the last query in the {odd} rows of the {Rows} that begin with an odd token only, and to itself elsewhere: its induction score " +
            $"is the mean over the whole batch of 1 / {Half} in {odd} rows and 0 in the others, {odd}/{Rows} × 1/{Half} (1/{Half} or 0 means one row's pattern was read, not the batch's)");
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
