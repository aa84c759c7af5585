using Course.Testing;
using NUnit.Framework;

namespace Hw1.LmBasics.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenTokenizerTests : TorchTest
{
    [Test, Points(1)]
    public void WordTokenizer_OnTheGrammarCorpus_HasEveryGrammarWordOnce_InOrdinalOrder_AfterUnk()
    {
        var tokenizer = WordTokenizer.Fit(SentenceGrammar.Corpus(2000, seed: 11));

        var expected = SentenceGrammar.Words.Order(StringComparer.Ordinal).Prepend("<unk>").ToArray();
        Assert.That(tokenizer.Words, Is.EqualTo(expected), "WordTokenizer.Fit(grammar corpus).Words: <unk>, then the grammar's words in ordinal order");
    }

    [Test, Points(0.5)]
    public void WordTokenizer_DoesNotAddUnkTwice_WhenTheCorpusContainsIt()
    {
        var tokenizer = WordTokenizer.Fit("a <unk> b a");

        Assert.That(tokenizer.Words, Is.EqualTo(new[] { "<unk>", "a", "b" }), "a corpus word \"<unk>\" is the unknown token itself, id 0, not a new entry");
        Assert.That(tokenizer.Encode("b <unk> c"), Is.EqualTo(new long[] { 2, 0, 0 }), "Encode(\"b <unk> c\")");
    }

    [Test, Points(1)]
    public void WordTokenizer_KeepsCase_SoCapitalisedWordsAreWordsOfTheirOwn()
    {
        var tokenizer = WordTokenizer.Fit("The cat sees the Cat .");

        Assert.That(tokenizer.Words, Is.EqualTo(new[] { "<unk>", ".", "Cat", "The", "cat", "sees", "the" }),
            "WordTokenizer.Fit(\"The cat sees the Cat .\").Words: \"The\" and \"the\" are distinct words (no lower-casing), in ordinal order (capitals first)");
        Assert.That(tokenizer.Encode("The Cat the"), Is.EqualTo(new long[] { 3, 2, 6 }), "Encode(\"The Cat the\"): each spelling has its own id");
    }

    [Test, Points(0.5)]
    public void CharTokenizer_DoesNotAddTheUnknownSymbolTwice_WhenTheCorpusContainsIt()
    {
        var tokenizer = CharTokenizer.Fit("b\uFFFDa");

        Assert.That(tokenizer.Symbols, Is.EqualTo(new[] { '\uFFFD', 'a', 'b' }), "a corpus character U+FFFD is the unknown symbol itself, id 0, not a new entry");
        Assert.That(tokenizer.Encode("a\uFFFDc"), Is.EqualTo(new long[] { 1, 0, 0 }), "Encode(\"a\\uFFFDc\")");
    }

    [Test, Points(1)]
    public void CharTokenizer_OnTheGrammarCorpus_RoundTripsAndEncodesEveryCharacterOnce()
    {
        var corpus = SentenceGrammar.Corpus(300, seed: 12);
        var tokenizer = CharTokenizer.Fit(corpus);

        // The ids found here (U+FFFD, then the distinct characters in ordinal order), so that Decode is judged on ids it did
        // not make and Encode on ids of its own.
        var symbols = corpus.Distinct().Order().Prepend(CharTokenizer.Unknown).ToList();
        var expectedIds = corpus.Select(c => (long)symbols.IndexOf(c)).ToArray();
        Assert.That(tokenizer.Decode([.. expectedIds]), Is.EqualTo(corpus), "Decode of the ids of the corpus (U+FFFD, then its characters in ordinal order) == corpus");
        var ids = tokenizer.Encode(corpus);
        Assert.That(ids, Has.Length.EqualTo(corpus.Length), "one id per character");
        Assert.That(ids, Has.None.EqualTo(CharTokenizer.UnknownId), "every character of the corpus is in its own vocabulary");
        Assert.That(ids, Is.EqualTo(expectedIds), "Encode(corpus): each character's id in the vocabulary U+FFFD, then the corpus's characters in ordinal order");
        Assert.That(tokenizer.Decode(ids), Is.EqualTo(corpus), "Decode(Encode(corpus)) == corpus");
        Assert.That(CharTokenizer.Fit("").Encode("xy"), Is.EqualTo(new long[] { 0, 0 }), "an empty corpus gives a vocabulary of just U+FFFD");
    }

    // IdOf is called here itself: Encode may look the symbols up without it, and then nothing else reaches IdOf.
    [Test, Points(0.5)]
    public void CharTokenizer_IdOf_GivesTheVocabularyId_AndUnknownIdForCharactersOutsideIt()
    {
        var tokenizer = CharTokenizer.Fit("banana "); // [U+FFFD, ' ', 'a', 'b', 'n']

        Assert.That(new[] { 'b', 'a', 'n', ' ' }.Select(tokenizer.IdOf).ToArray(), Is.EqualTo(new long[] { 3, 2, 4, 1 }),
            "CharTokenizer.Fit(\"banana \").IdOf('b', 'a', 'n', ' '): each character's index in the vocabulary [U+FFFD, ' ', 'a', 'b', 'n']");
        Assert.That(new[] { '!', 'B', CharTokenizer.Unknown }.Select(tokenizer.IdOf).ToArray(), Is.EqualTo(new long[] { 0, 0, 0 }),
            "CharTokenizer.Fit(\"banana \").IdOf('!', 'B', U+FFFD): a character not in the vocabulary gives UnknownId = 0 (no exception), and so does U+FFFD itself");
        var given = new CharTokenizer(['\uFFFD', 'z', 'a']);
        Assert.That(given.IdOf('a'), Is.EqualTo(2), "new CharTokenizer([U+FFFD, 'z', 'a']).IdOf('a'): the index in the vocabulary it was given, not in sorted order");
    }

    [Test, Points(0.5)]
    public void WordTokenizer_IdOf_GivesTheVocabularyId_AndUnknownIdForWordsOutsideIt()
    {
        var tokenizer = WordTokenizer.Fit("the dog sees the cat ."); // [<unk>, ., cat, dog, sees, the]

        Assert.That(new[] { "cat", "the", ".", "dog" }.Select(tokenizer.IdOf).ToArray(), Is.EqualTo(new long[] { 2, 5, 1, 3 }),
            "WordTokenizer.Fit(\"the dog sees the cat .\").IdOf(\"cat\", \"the\", \".\", \"dog\"): each word's index in the vocabulary [<unk>, ., cat, dog, sees, the]");
        Assert.That(new[] { "unicorn", "Cat", WordTokenizer.Unknown }.Select(tokenizer.IdOf).ToArray(), Is.EqualTo(new long[] { 0, 0, 0 }),
            "WordTokenizer.Fit(\"the dog sees the cat .\").IdOf(\"unicorn\", \"Cat\", \"<unk>\"): a word not in the vocabulary (case counts) gives UnknownId = 0 (no exception), and so does \"<unk>\" itself");
        var given = new WordTokenizer(["<unk>", "zebra", "ant"]);
        Assert.That(given.IdOf("ant"), Is.EqualTo(2), "new WordTokenizer([<unk>, zebra, ant]).IdOf(\"ant\"): the index in the vocabulary it was given, not in sorted order");
    }
}
