using Course.Testing;
using NUnit.Framework;

namespace Hw1.LmBasics.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenTokenizerTests
{
    [Test, Points(2)]
    public void WordTokenizer_OnTheGrammarCorpus_HasEveryGrammarWordOnce_InOrdinalOrder_AfterUnk()
    {
        var tokenizer = WordTokenizer.Fit(SentenceGrammar.Corpus(2000, seed: 11));

        var expected = SentenceGrammar.Words.Order(StringComparer.Ordinal).Prepend("<unk>").ToArray();
        Assert.That(tokenizer.Words, Is.EqualTo(expected), "WordTokenizer.Fit(grammar corpus).Words: <unk>, then the grammar's words in ordinal order");
    }

    [Test, Points(1)]
    public void WordTokenizer_DoesNotAddUnkTwice_WhenTheCorpusContainsIt()
    {
        var tokenizer = WordTokenizer.Fit("a <unk> b a");

        Assert.That(tokenizer.Words, Is.EqualTo(new[] { "<unk>", "a", "b" }), "a corpus word \"<unk>\" is the unknown token itself, id 0, not a new entry");
        Assert.That(tokenizer.Encode("b <unk> c"), Is.EqualTo(new long[] { 2, 0, 0 }), "Encode(\"b <unk> c\")");
    }

    [Test, Points(1)]
    public void CharTokenizer_OnTheGrammarCorpus_RoundTripsAndEncodesEveryCharacterOnce()
    {
        var corpus = SentenceGrammar.Corpus(300, seed: 12);
        var tokenizer = CharTokenizer.Fit(corpus);

        var ids = tokenizer.Encode(corpus);
        Assert.That(ids, Has.Length.EqualTo(corpus.Length), "one id per character");
        Assert.That(ids, Has.None.EqualTo(CharTokenizer.UnknownId), "every character of the corpus is in its own vocabulary");
        Assert.That(tokenizer.Decode(ids), Is.EqualTo(corpus), "Decode(Encode(corpus)) == corpus");
        Assert.That(CharTokenizer.Fit("").Encode("xy"), Is.EqualTo(new long[] { 0, 0 }), "an empty corpus gives a vocabulary of just U+FFFD");
    }
}
