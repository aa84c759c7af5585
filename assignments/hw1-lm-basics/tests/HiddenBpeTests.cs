using Course.Testing;
using NUnit.Framework;

namespace Hw1.LmBasics.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenBpeTests : TorchTest
{
    [Test, Points(3)]
    public void Train_OnTheGrammarCorpus_LearnsTheSameMergesAsAPlainImplementation()
    {
        var corpus = SentenceGrammar.Corpus(300, seed: 14);

        var merges = BpeTokenizer.Train(corpus, numMerges: 60).Merges;

        var expected = PlainBpe.Train(corpus, 60);
        int first = Enumerable.Range(0, Math.Min(merges.Count, expected.Count)).FirstOrDefault(k => merges[k] != expected[k], -1);
        Assert.That(merges, Is.EqualTo(expected),
            first < 0 ? $"got {merges.Count} merges, expected {expected.Count}"
                      : $"merge {first} is {merges[first]}, expected {expected[first]} (the earlier ones agree): count overlapping pairs, " +
                        "pick the highest count, break ties by the smallest left id then the smallest right id");

        // Text outside ASCII, where a C# char (a UTF-16 code unit) is not a byte: "é" is the bytes (195, 169), the first
        // merge here, and each of 東 and 京 is three bytes, while their chars are ids no tokenizer has.
        foreach (var (text, count) in new[] { ("café café naïve naïve déjà vu, déjà vu", 6), ("東京東京", 4) })
        {
            IReadOnlyList<(long Left, long Right)>? learned = null;
            Assert.That(() => learned = BpeTokenizer.Train(text, count).Merges, Throws.Nothing,
                $"BpeTokenizer.Train(\"{text}\", {count}) threw: train on the UTF-8 bytes of the corpus (ids 0..255, Bytes(corpus)), not on its chars");
            Assert.That(learned, Is.EqualTo(PlainBpe.Train(text, count)),
                $"BpeTokenizer.Train(\"{text}\", {count}): the merges of its UTF-8 bytes (Bytes(corpus)), not of its chars (UTF-16 code units)");
        }
    }

    [Test, Points(2)]
    public void Encode_OfUnseenText_MatchesMergingTheLowestRankedPairFirst()
    {
        // The merges are learned here, not by your Train (that has a test of its own): 60 of them, so Encode has work to do.
        var tokenizer = new BpeTokenizer(PlainBpe.Train(SentenceGrammar.Corpus(300, seed: 14), 60));
        const string text = "the happy teacher chases a bird near the red dog . Bob runs; alice sings aaaa.";

        Assert.That(tokenizer.Encode(text), Is.EqualTo(PlainBpe.Encode(text, tokenizer.Merges)),
            "Encode of unseen text: apply merge 0 everywhere, then merge 1, ... (equivalently, always merge the present pair learned first)");
    }

    [Test, Points(1)]
    public void DecodeOfEncode_IsIdentity_ForEmptyText_AndForCharactersNeverSeen_AndInvalidBytesBecomeU_FFFD()
    {
        var tokenizer = new BpeTokenizer(PlainBpe.Train(SentenceGrammar.Corpus(100, seed: 15), 30)); // learned here, not by your Train

        Assert.That(tokenizer.Encode(""), Is.Empty, "Encode(\"\")");
        Assert.That(tokenizer.Decode([]), Is.EqualTo(""), "Decode([])");
        foreach (var text in new[] { "Ω≈ç√∫˜µ≤≥÷", "🙂🙃 👩‍👩‍👧", "the cat\r\n\t.", "ab\u0000cd" })
            Assert.That(tokenizer.Decode(tokenizer.Encode(text)), Is.EqualTo(text), $"Decode(Encode(\"{text}\"))");
        // The round trips above must go through merged tokens, not bytes alone.
        const string seen = "the cat\r\n\t.";
        Assert.That(tokenizer.Encode(seen), Is.EqualTo(PlainBpe.Encode(seen, tokenizer.Merges)),
            "Encode(\"the cat\\r\\n\\t.\") with 30 merges learned from the corpus: apply merge 0 everywhere, then merge 1, ... (not the bytes alone)");
        string? decoded = null;
        Assert.That(() => decoded = new BpeTokenizer([]).Decode([104, 105, 195]), Throws.Nothing,
            "Decode of the bytes \"hi\" and a lone 0xC3 threw: read the bytes as UTF-8 with invalid sequences becoming U+FFFD (Encoding.UTF8.GetString)");
        Assert.That(decoded, Is.EqualTo("hi\uFFFD"), "Decode([104, 105, 195]): an invalid UTF-8 sequence becomes U+FFFD");
    }

    [Test, Points(1)]
    public void Train_StopsEarly_OnlyWhenNoPairIsLeft()
    {
        Assert.That(BpeTokenizer.Train("abc", numMerges: 5).Merges, Is.EqualTo(new (long, long)[] { (97, 98), (256, 99) }),
            "\"abc\": (a, b) and (b, c) tie, (a, b) wins; then (256, c); then one token is left and training stops");
        Assert.That(BpeTokenizer.Train("abcd", numMerges: 2).Merges, Has.Count.EqualTo(2),
            "pairs that occur once are still merged when asked for more merges");
    }

    /// <summary>An independent, slow BPE: a different encode algorithm (lowest-ranked present pair first, as in minbpe).</summary>
    static class PlainBpe
    {
        public static List<(long, long)> Train(string text, int numMerges)
        {
            var ids = System.Text.Encoding.UTF8.GetBytes(text).Select(b => (long)b).ToList();
            var merges = new List<(long, long)>();
            for (int k = 0; k < numMerges && ids.Count >= 2; k++)
            {
                var counts = new SortedDictionary<(long, long), int>();
                for (int t = 0; t + 1 < ids.Count; t++)
                    counts[(ids[t], ids[t + 1])] = counts.TryGetValue((ids[t], ids[t + 1]), out var c) ? c + 1 : 1;
                int best = counts.Values.Max();
                var pair = counts.First(kv => kv.Value == best).Key; // SortedDictionary: smallest (left, right) first
                merges.Add(pair);
                ids = Replace(ids, pair, 256 + k);
            }
            return merges;
        }

        public static long[] Encode(string text, IReadOnlyList<(long Left, long Right)> merges)
        {
            var rank = merges.Select((m, k) => (m, k)).ToDictionary(p => (p.m.Left, p.m.Right), p => p.k);
            var ids = System.Text.Encoding.UTF8.GetBytes(text).Select(b => (long)b).ToList();
            while (true)
            {
                int bestRank = int.MaxValue;
                for (int t = 0; t + 1 < ids.Count; t++)
                    if (rank.TryGetValue((ids[t], ids[t + 1]), out var r) && r < bestRank) bestRank = r;
                if (bestRank == int.MaxValue) return ids.ToArray();
                ids = Replace(ids, merges[bestRank], 256 + bestRank);
            }
        }

        static List<long> Replace(List<long> ids, (long, long) pair, long id)
        {
            var result = new List<long>();
            for (int t = 0; t < ids.Count; t++)
            {
                if (t + 1 < ids.Count && (ids[t], ids[t + 1]) == pair) { result.Add(id); t++; }
                else result.Add(ids[t]);
            }
            return result;
        }
    }
}
