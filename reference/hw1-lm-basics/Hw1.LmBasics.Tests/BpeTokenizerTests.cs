using Course.Testing;
using NUnit.Framework;

namespace Hw1.LmBasics.Tests;

public sealed class BpeTokenizerTests : TorchTest
{
    [Test, Points(2)]
    public void CountPairs_CountsEveryAdjacentPosition_OverlapsIncluded()
    {
        var counts = BpeTokenizer.CountPairs([7, 7, 7, 1, 7]);

        Assert.That(counts, Is.EquivalentTo(new Dictionary<(long, long), long> { [(7, 7)] = 2, [(7, 1)] = 1, [(1, 7)] = 1 }),
            "CountPairs([7, 7, 7, 1, 7]): positions (0,1) and (1,2) both hold (7, 7)");
    }

    [Test, Points(2)]
    public void MergePair_ReplacesOccurrencesFromLeftToRight_WithoutOverlap()
    {
        var merged = BpeTokenizer.MergePair([7, 7, 7, 1, 7, 7], (7, 7), 300);

        Assert.That(merged, Is.EqualTo(new long[] { 300, 7, 1, 300 }),
            "MergePair([7, 7, 7, 1, 7, 7], (7, 7), 300): the first two 7s merge, the third is left alone, then the last two merge");
    }

    [Test, Points(4)]
    public void Train_OnAaabdaaabac_LearnsTheHandCheckedMerges_WithTheTieBreak()
    {
        // a = 97, b = 98, c = 99, d = 100.
        //   a a a b d a a a b a c        (a, a) 4 times                      → 256 = "aa"
        //   256 a b d 256 a b a c        (256, a) and (a, b) twice: tie, smaller left id wins → 257 = "ab"
        //   256 257 d 256 257 a c        (256, 257) twice                     → 258 = "aaab"
        //   258 d 258 a c                every pair once: (a, c) has the smallest left id → 259 = "ac"
        var tokenizer = BpeTokenizer.Train("aaabdaaabac", numMerges: 4);

        Assert.That(tokenizer.Merges, Is.EqualTo(new (long, long)[] { (97, 97), (97, 98), (256, 257), (97, 99) }),
            "merges learned from \"aaabdaaabac\": most frequent pair first; ties go to the smallest left id, then the smallest right id");
        Assert.That(tokenizer.VocabSize, Is.EqualTo(260), "256 bytes + 4 merges");
        // "acab": (a, c), (c, a) and (a, b) once each; (a, c) and (a, b) share the smallest left id, and b < c.
        Assert.That(BpeTokenizer.Train("acab", numMerges: 1).Merges, Is.EqualTo(new (long, long)[] { (97, 98) }),
            "the merge learned from \"acab\": a tie on the left id goes to the smallest right id, (a, b) before (a, c)");
    }

    [Test, Points(2)]
    public void Encode_AppliesTheMergesInTheOrderTheyWereLearned()
    {
        // The merges of the test above (256 = a a, 257 = a b, 258 = 256 257), given directly so that only Encode is tested.
        var tokenizer = new BpeTokenizer([(97, 97), (97, 98), (256, 257)]);

        Assert.That(tokenizer.Encode("aaabdaaabac"), Is.EqualTo(new long[] { 258, 100, 258, 97, 99 }), "Encode of the training text");
        Assert.That(tokenizer.Encode("aaaaab"), Is.EqualTo(new long[] { 256, 258 }),
            "Encode(\"aaaaab\"): merge 0 (a a → 256) runs over the whole text first, left to right: 256 256 a b; " +
            "then merge 1 (a b → 257): 256 256 257; then merge 2 (256 257 → 258): 256 258");
    }

    [Test, Points(2)]
    public void DecodeOfEncode_GivesBackUnseenText_IncludingCharactersOutsideTheCorpus()
    {
        var tokenizer = BpeTokenizer.Train(SentenceGrammar.Corpus(200, seed: 6), numMerges: 40);
        var merges = tokenizer.Merges.ToList();
        var unseenGrammar = SentenceGrammar.Corpus(10, seed: 7);
        const string unseenOther = "The Cat sat — naïve café, 東京 🙂\n\tend.";
        // The ids of both texts under your merges, found here (bytes, then merge 0 everywhere, merge 1, ...), so that Decode
        // is judged on ids it did not make and Encode on ids of its own.
        var grammarIds = MergesInOrder(unseenGrammar, merges);
        var otherIds = MergesInOrder(unseenOther, merges);

        Assert.That(tokenizer.Decode([.. grammarIds]), Is.EqualTo(unseenGrammar), "Decode of the ids of unseen grammar text (bytes, then the merges in order)");
        Assert.That(tokenizer.Decode([.. otherIds]), Is.EqualTo(unseenOther),
            "Decode of the ids of text with capitals, accents, CJK and an emoji: work on UTF-8 bytes, and expand merges recursively");
        var encoded = tokenizer.Encode(unseenGrammar);
        Assert.That(encoded, Has.All.InRange(0L, tokenizer.VocabSize - 1), $"Encode(unseen grammar text): every id is a token of the vocabulary, 0 to VocabSize - 1 = {tokenizer.VocabSize - 1}");
        Assert.That(encoded, Is.EqualTo(grammarIds), "Encode of unseen grammar text with the merges learned: apply merge 0 everywhere, then merge 1, ...");
        Assert.That(tokenizer.Encode(unseenOther), Is.EqualTo(otherIds), "Encode of text with characters outside the corpus: its UTF-8 bytes, then the merges in order");
        Assert.That(tokenizer.Decode(tokenizer.Encode(unseenOther)), Is.EqualTo(unseenOther), "Decode(Encode(s)) on text with capitals, accents, CJK and an emoji");
        Assert.That(encoded.Length, Is.LessThan(unseenGrammar.Length / 2),
            "40 merges learned on grammar text should at least halve the length of other grammar text");
    }

    /// <summary>The UTF-8 bytes of <paramref name="text"/>, then merge k (making id 256 + k) applied left to right over the whole sequence, for k = 0, 1, ...</summary>
    static long[] MergesInOrder(string text, IReadOnlyList<(long Left, long Right)> merges)
    {
        var ids = System.Text.Encoding.UTF8.GetBytes(text).Select(b => (long)b).ToList();
        for (int k = 0; k < merges.Count; k++)
        {
            var merged = new List<long>();
            for (int t = 0; t < ids.Count; t++)
            {
                if (t + 1 < ids.Count && (ids[t], ids[t + 1]) == merges[k]) { merged.Add(256 + k); t++; }
                else merged.Add(ids[t]);
            }
            ids = merged;
        }
        return [.. ids];
    }
}
