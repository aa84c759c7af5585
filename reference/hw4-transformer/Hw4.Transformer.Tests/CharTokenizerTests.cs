using Course.Testing;
using NUnit.Framework;

namespace Hw4.Transformer.Tests;

public sealed class CharTokenizerTests : TorchTest
{
    [Test, Points(1)]
    public void Fit_PutsUnknownFirst_ThenTheDistinctCharactersInOrdinalOrder()
    {
        var tokenizer = CharTokenizer.Fit("banana ");

        Assert.That(tokenizer.Symbols, Is.EqualTo(new[] { CharTokenizer.Unknown, ' ', 'a', 'b', 'n' }),
            "CharTokenizer.Fit(\"banana \").Symbols: U+FFFD at id 0, then each distinct character once, sorted by char code (space is 32, before the letters)");
        Assert.That(tokenizer.VocabSize, Is.EqualTo(5), "CharTokenizer.Fit(\"banana \").VocabSize");

        const string mixed = "Banana bread";
        var cased = CharTokenizer.Fit(mixed);
        Assert.That(cased.Symbols, Is.EqualTo(new[] { CharTokenizer.Unknown, ' ', 'B', 'a', 'b', 'd', 'e', 'n', 'r' }),
            "CharTokenizer.Fit(\"Banana bread\").Symbols: 'B' and 'b' are distinct characters, each a token of its own ('B' is 66, before the lower-case letters); keep the corpus's case");
        Assert.That(cased.Decode(cased.Encode(mixed)), Is.EqualTo(mixed),
            "Decode(Encode(\"Banana bread\")) with the vocabulary fitted on that text must give the text back, upper-case letters included");
    }

    [Test, Points(2)]
    public void EncodeThenDecode_GivesBackTheGrammarText_AndUnseenCharactersBecomeId0()
    {
        var text = AgreementGrammar.Corpus(sentences: 20, seed: 4);
        var tokenizer = CharTokenizer.Fit(text);
        var expectedSymbols = text.Distinct().Order().Prepend(CharTokenizer.Unknown).ToArray();

        var ids = tokenizer.Encode(text);

        Assert.That(tokenizer.Symbols, Is.EqualTo(expectedSymbols),
            "CharTokenizer.Fit(grammar text).Symbols: U+FFFD, then the distinct characters of the text in ordinal order");
        Assert.That(ids, Has.Length.EqualTo(text.Length), "Encode(text): one id per character");
        Assert.That(ids[..5], Is.EqualTo(text[..5].Select(c => (long)Array.IndexOf(expectedSymbols, c)).ToArray()),
            "Encode(text) of the first 5 characters: the id of a character is its index in Symbols");
        Assert.That(tokenizer.Decode([.. ids]), Is.EqualTo(text), "Decode(Encode(text)) must give back the text");
        Assert.That(tokenizer.Encode("cat!Z"), Is.EqualTo(tokenizer.Encode("cat").Concat([0L, 0L]).ToArray()),
            "Encode(\"cat!Z\"): '!' and 'Z' are not in the vocabulary and must encode to CharTokenizer.UnknownId = 0");
        Assert.That(tokenizer.Decode([0L, ids[0]]), Is.EqualTo($"{CharTokenizer.Unknown}{text[0]}"),
            "Decode([0, ...]): id 0 decodes to CharTokenizer.Unknown");
    }
}
