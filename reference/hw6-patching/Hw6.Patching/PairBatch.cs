using Course.Lens;
using static TorchSharp.torch;

namespace Hw6.Patching;

/// <summary>
/// Minimal pairs of one length as a batch: position p is the same character slot in every clean and corrupted prompt,
/// and the last position is where the model chooses between <c>"s"</c> and <c>" "</c>. All on the CPU; move with
/// <c>.to(device)</c>. Given: not yours to change.
/// </summary>
/// <param name="Clean"><c>[batch, pos]</c> int64.</param>
/// <param name="Corrupted"><c>[batch, pos]</c> int64.</param>
/// <param name="PluralClean"><c>[batch]</c> bool: whether each clean prompt's subject is plural.</param>
public sealed record PairBatch(Tensor Clean, Tensor Corrupted, Tensor PluralClean, IReadOnlyList<MinimalPair> Pairs)
{
    /// <summary>The prompts' length: positions run from 0 to <c>Length - 1</c>, the verb stem's last character.</summary>
    public long Length => Clean.shape[1];

    /// <exception cref="ArgumentException">No pairs, or a pair whose prompts differ in length from each other or from the first pair.</exception>
    public static PairBatch Of(IReadOnlyList<MinimalPair> pairs, CharVocabulary vocabulary)
    {
        if (pairs.Count == 0) throw new ArgumentException("a batch needs at least one pair", nameof(pairs));
        int length = pairs[0].Clean.Length;
        if (pairs.FirstOrDefault(p => p.Clean.Length != length || p.Corrupted.Length != length) is { } odd)
            throw new ArgumentException($"every prompt of a batch must have {length} characters, as '{pairs[0].Clean}': '{odd.Clean}' / '{odd.Corrupted}' do not", nameof(pairs));
        return new PairBatch(
            Tokens(pairs.Select(p => p.Clean), pairs.Count, length, vocabulary),
            Tokens(pairs.Select(p => p.Corrupted), pairs.Count, length, vocabulary),
            tensor(pairs.Select(p => p.PluralClean).ToArray()),
            pairs);
    }

    /// <summary>
    /// At most <paramref name="count"/> pairs of the length most of <paramref name="pairs"/> have (the shortest on a tie), as
    /// a batch, taking clean singular and clean plural subjects in turn while both last, so that a metric that ignores the
    /// subject's number cannot look right.
    /// </summary>
    public static PairBatch OfCommonestLength(IEnumerable<MinimalPair> pairs, int count, CharVocabulary vocabulary)
    {
        var group = pairs.GroupBy(p => p.Clean.Length).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).FirstOrDefault()
            ?? throw new ArgumentException("no pairs to choose from", nameof(pairs));
        var singular = new Queue<MinimalPair>(group.Where(p => !p.PluralClean));
        var plural = new Queue<MinimalPair>(group.Where(p => p.PluralClean));
        var chosen = new List<MinimalPair>();
        while (chosen.Count < count && singular.Count + plural.Count > 0)
            chosen.Add((chosen.Count % 2 == 0 && singular.Count > 0) || plural.Count == 0 ? singular.Dequeue() : plural.Dequeue());
        return Of(chosen, vocabulary);
    }

    static Tensor Tokens(IEnumerable<string> texts, int count, int length, CharVocabulary vocabulary) =>
        tensor(texts.SelectMany(vocabulary.Encode).ToArray()).reshape(count, length);
}
