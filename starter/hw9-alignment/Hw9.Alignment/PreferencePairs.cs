using Course.Lens.Agreement;

namespace Hw9.Alignment;

/// <summary>
/// One labelled comparison: two completions of <see cref="Prompt"/>, the one the labeller chose and the one they
/// rejected. <see cref="Flipped"/> marks a pair whose label is wrong (the labeller chose the sentence the preference
/// rejects): the data knows it, a model never sees it.
/// </summary>
public sealed record PreferencePair(string Prompt, string Chosen, string Rejected, bool Flipped);

/// <summary>
/// Preference pairs from the grammar: sentences drawn with <see cref="AgreementSentences"/>, split into a prompt and a
/// completion, and paired, within one prompt, a sentence
/// the <see cref="Preference"/> prefers with one it does not. A fraction <c>flipRate</c> of the labels is swapped, as
/// human labels are noisy. The same seed gives the same pairs on every machine.
/// A prompt is the end of a sentence before (<c>". "</c>, so that the model knows a sentence starts, as it does inside
/// its training text) and the first word with its space, e.g. <c>". the "</c>; the completion is the rest, e.g.
/// <c>"birds sing ."</c>.
/// </summary>
public static class PreferencePairs
{
    public const double DefaultFlipRate = 0.05;

    /// <summary>The longest sentence used, so that a prompt, a completion and the sampler's room fit in the model's 64 positions.</summary>
    public const int MaxSentenceLength = 48;

    /// <summary>What every prompt starts with: the end of a sentence before.</summary>
    public const string Context = ". ";

    public static IReadOnlyList<PreferencePair> Sample(int count, ulong seed, double flipRate = DefaultFlipRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var flips = new SplitMix64(seed ^ 0x5EED_F11Bul);
        var waiting = new Dictionary<(string Prompt, bool Preferred), Queue<string>>();
        var pairs = new List<PreferencePair>(count);
        for (ulong block = 0; pairs.Count < count; block++)
            foreach (var sentence in AgreementSentences.Sample(256, seed * 1_000_003 + block, MaxSentenceLength))
            {
                if (pairs.Count == count) break;
                int split = sentence.IndexOf(' ') + 1;
                var (prompt, completion) = (Context + sentence[..split], sentence[split..]);
                bool preferred = Preference.IsPreferred(prompt + completion);
                if (!waiting.TryGetValue((prompt, !preferred), out var others) || others.Count == 0)
                {
                    if (!waiting.TryGetValue((prompt, preferred), out var mine)) waiting[(prompt, preferred)] = mine = new Queue<string>();
                    mine.Enqueue(completion);
                    continue;
                }
                var (good, bad) = preferred ? (completion, others.Dequeue()) : (others.Dequeue(), completion);
                bool flipped = flips.Chance(flipRate);
                pairs.Add(flipped ? new PreferencePair(prompt, bad, good, true) : new PreferencePair(prompt, good, bad, false));
            }
        return pairs;
    }

    /// <summary>Disjoint train and held-out pairs (different seeds; a completion may repeat, as sentences of a small grammar do).</summary>
    public static (IReadOnlyList<PreferencePair> Train, IReadOnlyList<PreferencePair> HeldOut) TrainHeldOut(int train, int heldOut, ulong seed, double flipRate = DefaultFlipRate) =>
        (Sample(train, seed, flipRate), Sample(heldOut, seed + 0x9E37_79B9ul, flipRate));
}
