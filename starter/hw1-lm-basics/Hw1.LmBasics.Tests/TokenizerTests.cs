using Course.Testing;
using NUnit.Framework;

namespace Hw1.LmBasics.Tests;

public sealed class CharTokenizerTests : TorchTest
{
    [Test, Points(2)]
    public void Fit_PutsTheUnknownSymbolFirst_ThenTheDistinctCharactersInOrdinalOrder()
    {
        var tokenizer = CharTokenizer.Fit("cab. abc");

        Assert.That(tokenizer.Symbols, Is.EqualTo(new[] { '\uFFFD', ' ', '.', 'a', 'b', 'c' }),
            "CharTokenizer.Fit(\"cab. abc\").Symbols: U+FFFD (id 0), then each distinct character once, sorted by char code (' ' < '.' < 'a')");
        Assert.That(tokenizer.VocabSize, Is.EqualTo(6), "VocabSize counts the unknown symbol too");
        Assert.That(CharTokenizer.Fit("Bob and bob").Symbols, Is.EqualTo(new[] { '\uFFFD', ' ', 'B', 'a', 'b', 'd', 'n', 'o' }),
            "CharTokenizer.Fit(\"Bob and bob\").Symbols: 'B' and 'b' are distinct characters (no lower-casing, or Decode(Encode(s)) loses the capitals), in ordinal order (capitals first)");
    }

    [Test, Points(1)]
    public void Encode_GivesTheVocabularyIds_AndId0ForUnknownCharacters()
    {
        var tokenizer = CharTokenizer.Fit("banana ");  // ['\uFFFD', ' ', 'a', 'b', 'n']

        Assert.That(tokenizer.Encode("ban an"), Is.EqualTo(new long[] { 3, 2, 4, 1, 2, 4 }),
            "Encode(\"ban an\") with the vocabulary [U+FFFD, ' ', 'a', 'b', 'n']");
        Assert.That(tokenizer.Encode("Banana!"), Is.EqualTo(new long[] { 0, 2, 4, 2, 4, 2, 0 }),
            "Encode(\"Banana!\"): 'B' and '!' are not in the vocabulary and must give UnknownId = 0 (no exception)");
    }

    [Test, Points(1)]
    public void Decode_InvertsEncode_OnKnownText_AndShowsUnknownCharactersAsU_FFFD()
    {
        var corpus = SentenceGrammar.Corpus(50, seed: 4);
        var tokenizer = CharTokenizer.Fit(corpus);
        var unseen = SentenceGrammar.Corpus(5, seed: 5);

        Assert.That(tokenizer.Decode(tokenizer.Encode(unseen)), Is.EqualTo(unseen), "Decode(Encode(s)) for s made of corpus characters");
        Assert.That(tokenizer.Decode(tokenizer.Encode("a cat!")), Is.EqualTo("a cat\uFFFD"),
            "Decode(Encode(\"a cat!\")): the unknown '!' comes back as U+FFFD");
    }
}

public sealed class WordTokenizerTests : TorchTest
{
    [Test, Points(2)]
    public void Fit_PutsUnkFirst_ThenTheDistinctWordsInOrdinalOrder()
    {
        var tokenizer = WordTokenizer.Fit("the dog sees the cat .\nthe cat  sleeps .");

        Assert.That(tokenizer.Words, Is.EqualTo(new[] { "<unk>", ".", "cat", "dog", "sees", "sleeps", "the" }),
            "WordTokenizer.Fit(...).Words: \"<unk>\" (id 0), then each distinct word once, sorted with StringComparer.Ordinal; " +
            "words are split on any whitespace (spaces, newlines), and empty pieces are not words");
    }

    [Test, Points(1)]
    public void Encode_SplitsOnWhitespace_AndMapsUnknownWordsToId0()
    {
        var tokenizer = WordTokenizer.Fit("the dog sees the cat ."); // [<unk>, ., cat, dog, sees, the]

        Assert.That(tokenizer.Encode("the cat\tsees  the\nbird ."), Is.EqualTo(new long[] { 5, 2, 4, 5, 0, 1 }),
            "Encode(\"the cat\\tsees  the\\nbird .\") with [<unk>, ., cat, dog, sees, the]: split on whitespace; \"bird\" is unknown → 0");
        Assert.That(tokenizer.Encode("The cat"), Is.EqualTo(new long[] { 0, 2 }), "Encode(\"The cat\"): words are case-sensitive, \"The\" is unknown");
        Assert.That(tokenizer.Encode("the cat\r\nsees\v."), Is.EqualTo(new long[] { 5, 2, 4, 1 }),
            "Encode(\"the cat\\r\\nsees\\v.\"): \\r and \\v are whitespace too (split with no separators given, or on char.IsWhiteSpace)");
    }

    [Test, Points(1)]
    public void Decode_JoinsWordsWithSingleSpaces_AndInvertsEncodeOnGrammarText()
    {
        var corpus = SentenceGrammar.Corpus(200, seed: 4);
        var tokenizer = WordTokenizer.Fit(corpus);
        var unseen = SentenceGrammar.Corpus(5, seed: 5);
        // The ids found here, from the corpus (<unk>, then the distinct words in ordinal order), so that Decode is judged on
        // ids it did not make and Encode on ids of its own.
        var vocabulary = corpus.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Distinct().Order(StringComparer.Ordinal).Prepend("<unk>").ToList();
        var ids = unseen.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(word => (long)Math.Max(0, vocabulary.IndexOf(word))).ToArray();

        Assert.That(tokenizer.Decode([.. ids]), Is.EqualTo(unseen), "Decode of the ids of grammar text: the words joined with single spaces");
        Assert.That(tokenizer.Encode(unseen), Is.EqualTo(ids), "Encode of grammar text: the id of each word in the vocabulary <unk>, then the corpus's words in ordinal order");
        Assert.That(tokenizer.Decode(tokenizer.Encode(unseen)), Is.EqualTo(unseen), "Decode(Encode(s)) for grammar text");
        Assert.That(tokenizer.Decode(tokenizer.Encode("the  unicorn sleeps")), Is.EqualTo("the <unk> sleeps"),
            "Decode(Encode(\"the  unicorn sleeps\")): single spaces, and the unknown word as <unk>");
    }
}
