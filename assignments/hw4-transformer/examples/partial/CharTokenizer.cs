namespace Hw4.Transformer;

/// <summary>
/// One token per character (UTF-16 code unit), as in hw1. The vocabulary is <see cref="Unknown"/> at id 0, then every
/// distinct character of the training corpus in ordinal (char code) order: <c>Fit("banana ")</c> gives
/// <c>["\uFFFD", " ", "a", "b", "n"]</c>. Characters not in the vocabulary encode to id 0, which decodes to <see cref="Unknown"/>.
/// </summary>
public sealed class CharTokenizer
{
    /// <summary>The symbol of id 0, U+FFFD REPLACEMENT CHARACTER.</summary>
    public const char Unknown = '\uFFFD';

    /// <summary>The id of <see cref="Unknown"/>.</summary>
    public const long UnknownId = 0;

    readonly Dictionary<char, long> idOf;

    /// <summary>A tokenizer with the vocabulary <paramref name="symbols"/>: id i is symbols[i]; symbols[0] must be <see cref="Unknown"/>.</summary>
    public CharTokenizer(IReadOnlyList<char> symbols)
    {
        if (symbols.Count == 0 || symbols[0] != Unknown)
            throw new ArgumentException("symbols[0] must be the unknown symbol U+FFFD", nameof(symbols));
        Symbols = symbols;
        idOf = symbols.Select((c, i) => (c, (long)i)).ToDictionary(p => p.c, p => p.Item2);
    }

    /// <summary>The vocabulary: id i stands for Symbols[i].</summary>
    public IReadOnlyList<char> Symbols { get; }

    /// <summary>Number of token ids: the model's d_vocab.</summary>
    public long VocabSize => Symbols.Count;

    /// <summary>The vocabulary of <paramref name="corpus"/>: <see cref="Unknown"/>, then its distinct characters in ordinal order.</summary>
    public static CharTokenizer Fit(string corpus)
    {
        var symbols = corpus.Where(c => c != Unknown).Distinct().Order().Prepend(Unknown).ToList();
        return new CharTokenizer(symbols);
    }

    /// <summary>One id per character of <paramref name="text"/>; characters outside the vocabulary give <see cref="UnknownId"/>.</summary>
    public long[] Encode(string text)
    {
        return text.Select(c => idOf.TryGetValue(c, out var id) ? id : UnknownId).ToArray();
    }

    /// <summary>The characters of <paramref name="ids"/>, concatenated; id 0 gives <see cref="Unknown"/>.</summary>
    public string Decode(IEnumerable<long> ids)
    {
        return string.Concat(ids.Select(id => Symbols[checked((int)id)]));
    }
}
