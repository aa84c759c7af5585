using Course.Lens;
using Course.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw6.Patching.Tests;

/// <summary>
/// Minimal pairs the tests use, written out so that a test of patching does not depend on your <see cref="MinimalPairs"/>.
/// A test with a golden runs on eight pairs of a pool drawn for it (<see cref="DrawShort"/>, <see cref="DrawLong"/>); the
/// others on <see cref="Short"/> or <see cref="Long"/>, the first eight of each pool.
/// </summary>
static class Pairs
{
    // No clause: the verb follows its subject.
    public static MinimalPair[] Short =>
    [
        new("this dog sleep", "the dogs sleep", false),
        new("many dogs sing", "every dog sing", true),
        new("this bird wait", "the birds wait", false),
        new("many birds run", "every bird run", true),
        new("every fox like", "the foxes like", false),
        new("some dogs like", "every dog like", true),
        new("every dog wait", "some dogs wait", false),
        new("the cats chase", "this cat chase", true),
    ];

    static MinimalPair[] ShortPool =>
    [
        .. Short,
        new("this cat sleep", "the cats sleep", false),
        new("some dogs sing", "every dog sing", true),
        new("this dog chase", "the dogs chase", false),
        new("many cats wait", "every cat wait", true),
        new("this bird like", "the birds like", false),
        new("many dogs wait", "every dog wait", true),
        new("every fox sing", "the foxes sing", false),
        new("many birds see", "every bird see", true),
    ];

    // Object relative clauses: an attractor noun, of either number, stands between subject and verb.
    public static MinimalPair[] Long =>
    [
        new("every dog that many dogs chase like", "some dogs that many dogs chase like", false),
        new("some birds that the dog follows run", "every bird that the dog follows run", true),
        new("this cat that some birds chase sing", "the cats that some birds chase sing", false),
        new("the dogs that these birds like wait", "this dog that these birds like wait", true),
        new("this dog that the dog follows chase", "the dogs that the dog follows chase", false),
        new("some birds that these cats see sing", "every bird that these cats see sing", true),
        new("every dog that every fox likes sing", "some dogs that every fox likes sing", false),
        new("some cats that every child sees see", "every cat that every child sees see", true),
    ];

    static MinimalPair[] LongPool =>
    [
        .. Long,
        new("this teacher that the birds see run", "the teachers that the birds see run", false),
        new("the foxes that this bird likes sing", "every fox that this bird likes sing", true),
        new("every cat that every fox sees chase", "some cats that every fox sees chase", false),
        new("many dogs that many cats like chase", "every dog that many cats like chase", true),
        new("every bird that these cats see wait", "some birds that these cats see wait", false),
        new("the cats that the teachers see wait", "this cat that the teachers see wait", true),
        new("this cat that the children like run", "the cats that the children like run", false),
        new("some birds that every dog likes run", "every bird that every dog likes run", true),
    ];

    /// <summary>Eight pairs of <see cref="ShortPool"/> for a test with <paramref name="golden"/> (see <see cref="Draw"/>).</summary>
    public static MinimalPair[] DrawShort(Golden golden) => Draw(golden, "short_pairs", ShortPool, seed: 61);

    /// <summary>Eight pairs of <see cref="LongPool"/> for a test with <paramref name="golden"/> (see <see cref="Draw"/>).</summary>
    public static MinimalPair[] DrawLong(Golden golden) => Draw(golden, "long_pairs", LongPool, seed: 62);

    /// <summary>
    /// Eight pairs of <paramref name="pool"/>, clean subjects singular and plural in turn: drawn by <c>Seeded(seed)</c>
    /// while <paramref name="golden"/> records and stored in it as input <paramref name="key"/>, their indices in the pool,
    /// so that a replay runs the pairs its outputs were recorded on. Recorded with COURSE_GOLDEN_SALT, it draws others.
    /// </summary>
    static MinimalPair[] Draw(Golden golden, string key, MinimalPair[] pool, long seed)
    {
        var indices = golden.Input(key, () =>
        {
            using var seeded = new Seeded(seed);
            var order = seeded.RandnCpu([pool.Length]).argsort().data<long>().ToArray(); // the pool, shuffled
            var singular = order.Where(i => !pool[i].PluralClean).Take(4).ToArray();
            var plural = order.Where(i => pool[i].PluralClean).Take(4).ToArray();
            return tensor(singular.Zip(plural, (s, p) => new[] { s, p }).SelectMany(pair => pair).ToArray()); // [8]
        });
        return [.. indices.cpu().data<long>().ToArray().Select(i => pool[i])];
    }

    /// <summary>
    /// Three pairs with a singular clean subject and one with a plural one, of <paramref name="pool"/> (whose pairs alternate,
    /// singular first): a batch that is not balanced, where a mean over the pairs differs from the mean of the two classes' means.
    /// </summary>
    public static MinimalPair[] Unbalanced(MinimalPair[] pool) => [pool[0], pool[2], pool[4], pool[1]];

    /// <summary>
    /// Each pair's <c>logit("s") - logit(" ")</c> at the last position, times +1 for a singular clean subject and -1 for a
    /// plural one, computed here from <paramref name="logits"/> <c>[batch, pos, d_vocab]</c> and the pairs themselves.
    /// </summary>
    public static double[] SignedLogitDiffs(Tensor logits, IReadOnlyList<MinimalPair> pairs, CharVocabulary vocabulary)
    {
        var last = logits[.., -1].to(ScalarType.Float64).cpu(); // [batch, d_vocab]
        long s = vocabulary.Id('s'), space = vocabulary.Id(' ');
        return [.. pairs.Select((pair, b) => (last[b, s].ToDouble() - last[b, space].ToDouble()) * (pair.PluralClean ? -1 : 1))];
    }

    /// <summary>
    /// The mean over <paramref name="pairs"/> of <see cref="SignedLogitDiffs"/> of <paramref name="model"/> run here, under
    /// no_grad, on <paramref name="tokens"/> <c>[batch, pos]</c>, with <paramref name="replace"/> (when given) as a replacing
    /// hook on <paramref name="hookName"/> for the run: what the tests expect of an intervention, measured on the model itself.
    /// </summary>
    public static double MeanSignedLogitDiff(HookedTransformer model, Tensor tokens, IReadOnlyList<MinimalPair> pairs, CharVocabulary vocabulary,
        string? hookName = null, Func<Tensor, Tensor>? replace = null)
    {
        using var noGrad = no_grad();
        using var hook = hookName is null ? null : model.Hook(hookName).AddHook((activation, _) => replace!(activation));
        return SignedLogitDiffs(model.call(tokens.to(model.W_E.device)), pairs, vocabulary).Average();
    }

    /// <summary>
    /// The patching scores the tests expect, measured on <paramref name="model"/> itself: for each mask of
    /// <paramref name="masks"/>, the corrupted prompts run with the clean run's <paramref name="hookName"/> where the mask is
    /// true, scored <c>(d - corrupted) / (clean - corrupted)</c> with every mean signed logit difference from the test's own
    /// runs (<see cref="MeanSignedLogitDiff"/>). Run before any homework call on the model.
    /// </summary>
    public static float[] PatchedScores(HookedTransformer model, PairBatch batch, IReadOnlyList<MinimalPair> pairs, CharVocabulary vocabulary,
        string hookName, IEnumerable<Tensor> masks)
    {
        Tensor? cleanActivation = null;
        using (no_grad())
        using (model.Hook(hookName).AddHook((activation, _) => { cleanActivation = activation.detach().clone(); return null; }))
            model.call(batch.Clean.to(model.W_E.device));
        double clean = MeanSignedLogitDiff(model, batch.Clean, pairs, vocabulary);
        double corrupted = MeanSignedLogitDiff(model, batch.Corrupted, pairs, vocabulary);
        return [.. masks.Select(mask =>
        {
            var onDevice = mask.to(model.W_E.device);
            double patched = MeanSignedLogitDiff(model, batch.Corrupted, pairs, vocabulary, hookName, a => where(onDevice, cleanActivation!, a));
            return (float)((patched - corrupted) / (clean - corrupted));
        })];
    }

    /// <summary>
    /// The tiny GPT on <paramref name="device"/>, a batch of <paramref name="pairs"/> and its metric (the tests' usual start). The metric is
    /// measured on a model, batch and vocabulary loaded alike but its own, so the test's, which it runs for what it expects,
    /// never went through homework code (which could leave a hook on it, or change its weights).
    /// </summary>
    public static (HookedTransformer Model, CharVocabulary Vocabulary, PairBatch Batch, PatchingMetric Metric) OnCheckpoint(MinimalPair[] pairs, torch.Device device)
    {
        var (measured, measuredVocabulary, _) = TinyGpt.Load(device);
        var metric = PatchingMetric.Measure(measured, PairBatch.Of(pairs, measuredVocabulary), measuredVocabulary);
        var (model, vocabulary, _) = TinyGpt.Load(device);
        return (model, vocabulary, PairBatch.Of(pairs, vocabulary), metric);
    }
}

/// <summary>
/// Whether your code runs <paramref name="model"/> without gradients: every parameter is made to require grad, as while the
/// model is trained; then, until disposed, the model records whether gradients were on as each of its forward passes
/// began (<see cref="Seen"/>; a pass keeps that mode to its end, whatever its hooks do). A run under no_grad records false.
/// A hook of the test's own stays on blocks.1.hook_resid_post meanwhile, as a caller's hook your code must leave in place.
/// </summary>
sealed class GradientWatch : IDisposable
{
    public const string HookName = "blocks.1.hook_resid_post";

    readonly IDisposable hook;
    readonly PassWatch passes;

    public GradientWatch(HookedTransformer model)
    {
        foreach (var parameter in model.parameters()) parameter.requires_grad_(true);
        hook = model.Hook(HookName).AddHook((_, _) => null);
        passes = model.WatchPasses();
    }

    /// <summary>Whether gradients were on as each forward pass of the model began, in order.</summary>
    public IReadOnlyList<bool> Seen => passes.GradientsOn;

    public void Dispose()
    {
        passes.Dispose();
        hook.Dispose();
    }
}
