using Course.Testing;
using NUnit.Framework;

namespace Hw4.Transformer.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenCharTokenizerTests : TorchTest
{
    [Test, Points(1)]
    public void CharactersOutsideTheVocabulary_EncodeToZero_AndDecodeToTheReplacementCharacter_WhichFitNeverAddsTwice()
    {
        var tokenizer = new CharTokenizer(['\uFFFD', ' ', 'a', 'b', 'n']);

        var ids = tokenizer.Encode("bad nab!\u00e9");
        var text = tokenizer.Decode(ids);

        Assert.That(ids, Is.EqualTo(new long[] { 3, 2, 0, 1, 4, 2, 3, 0, 0 }),
            "Encode(\"bad nab!\\u00e9\") with the vocabulary [\\uFFFD, ' ', a, b, n]: 'd', '!' and '\\u00e9' are not in it and give id 0");
        Assert.That(text, Is.EqualTo("ba\uFFFD nab\uFFFD\uFFFD"),
            "Decode(Encode(\"bad nab!\\u00e9\")): id 0 decodes to the replacement character U+FFFD");
        IReadOnlyList<char>? symbols = null;
        Assert.That(() => symbols = CharTokenizer.Fit("ab\uFFFDa").Symbols, Throws.Nothing,
            "CharTokenizer.Fit(\"ab\\uFFFDa\") threw: a U+FFFD in the corpus is the unknown symbol itself, so leave it out before prepending Unknown");
        Assert.That(symbols, Is.EqualTo(new[] { '\uFFFD', 'a', 'b' }),
            "CharTokenizer.Fit(\"ab\\uFFFDa\").Symbols: a U+FFFD in the corpus is the unknown symbol itself, id 0, not a second entry");
    }
}
