using System.Text;

namespace Hw1.LmBasics;

/// <summary>
/// Byte-level byte-pair encoding: Sennrich, Haddow and Birch 2016, "Neural Machine Translation of Rare Words with
/// Subword Units", on UTF-8 bytes as in GPT-2 (Radford et al. 2019, section 2.2), without GPT-2's pre-splitting
/// into words. Ids 0..255 are the bytes; merge k (counting from 0) creates id 256 + k, which stands for the bytes
/// of its left token followed by those of its right token. Every text encodes, and decodes back to itself.
/// <para>Training, <see cref="MergeCount"/> times: count the adjacent pairs of the current ids (<see cref="CountPairs"/>),
/// take the most frequent one, breaking ties by the smallest left id and then the smallest right id, and replace its
/// occurrences by the new id (<see cref="MergePair"/>). Stop early only when fewer than two ids are left.</para>
/// </summary>
public sealed class BpeTokenizer : ITokenizer
{
    /// <summary>The number of byte tokens; the first merge gets this id.</summary>
    public const long ByteCount = 256;

    /// <summary>A tokenizer with the merges <paramref name="merges"/>: merge k makes id 256 + k from the pair merges[k].</summary>
    public BpeTokenizer(IReadOnlyList<(long Left, long Right)> merges)
    {
        for (int k = 0; k < merges.Count; k++)
        {
            var (left, right) = merges[k];
            if (left < 0 || right < 0 || left >= ByteCount + k || right >= ByteCount + k)
                throw new ArgumentException($"merge {k} ({left}, {right}) uses an id that does not exist before it", nameof(merges));
        }
        Merges = merges;
    }

    /// <summary>The merges in the order they were learned.</summary>
    public IReadOnlyList<(long Left, long Right)> Merges { get; }

    public int MergeCount => Merges.Count;

    public long VocabSize => ByteCount + Merges.Count;

    /// <summary>
    /// How often each pair of neighbours occurs in <paramref name="ids"/>: every position t counts the pair
    /// (ids[t], ids[t + 1]), so overlapping occurrences count twice ([7, 7, 7] has the pair (7, 7) twice).
    /// </summary>
    public static Dictionary<(long Left, long Right), long> CountPairs(IReadOnlyList<long> ids)
    {
        throw new NotImplementedException("BpeTokenizer.CountPairs: one pass over the neighbours (ids[t], ids[t + 1]), adding 1 to the count of each pair");
    }

    /// <summary>
    /// <paramref name="ids"/> with every occurrence of <paramref name="pair"/> replaced by <paramref name="newId"/>,
    /// scanning from left to right without overlaps: merging (7, 7) in [7, 7, 7] gives [new, 7].
    /// </summary>
    public static List<long> MergePair(IReadOnlyList<long> ids, (long Left, long Right) pair, long newId)
    {
        throw new NotImplementedException("BpeTokenizer.MergePair: scan left to right; where ids[t], ids[t + 1] is the pair, emit newId and skip both, else emit ids[t]");
    }

    /// <summary>The UTF-8 bytes of <paramref name="text"/>, as ids 0..255.</summary>
    public static List<long> Bytes(string text) => Encoding.UTF8.GetBytes(text).Select(b => (long)b).ToList();

    /// <summary>
    /// Learns <paramref name="numMerges"/> merges (fewer only if the ids run out of pairs) from the UTF-8 bytes of
    /// <paramref name="corpus"/>, <see cref="Bytes"/>, not from its chars.
    /// </summary>
    public static BpeTokenizer Train(string corpus, int numMerges)
    {
        throw new NotImplementedException("BpeTokenizer.Train: start from Bytes(corpus); each round take the pair with the highest count (ties: smallest Left, then smallest Right), record it, MergePair with id 256 + round");
    }

    /// <summary>
    /// The ids of <paramref name="text"/>: its UTF-8 bytes, then every merge applied in the order it was learned
    /// (merge 0 everywhere, then merge 1, ...), exactly as training transformed the corpus.
    /// </summary>
    public long[] Encode(string text)
    {
        throw new NotImplementedException("BpeTokenizer.Encode: start from Bytes(text) and apply MergePair for every merge k in order, with id 256 + k");
    }

    /// <summary>
    /// The text of <paramref name="ids"/>: each id expanded to its bytes (a merge to its left token's bytes, then its
    /// right token's), all bytes concatenated and read as UTF-8 (invalid sequences become U+FFFD).
    /// </summary>
    public string Decode(IEnumerable<long> ids)
    {
        throw new NotImplementedException("BpeTokenizer.Decode: expand every id to bytes (ids < 256 are bytes; id 256 + k is Merges[k].Left's bytes then Merges[k].Right's), then Encoding.UTF8.GetString");
    }
}
