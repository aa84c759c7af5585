namespace Hw1.LmBasics;

/// <summary>
/// One token per word, where words are the pieces of the text between runs of whitespace (spaces, tabs, newlines).
/// The vocabulary is <see cref="Unknown"/> at id 0, then every distinct word of the training corpus in ordinal
/// order: <c>Fit("the dog sees the cat .")</c> gives <c>["&lt;unk&gt;", ".", "cat", "dog", "sees", "the"]</c>.
/// Words not in the vocabulary encode to id 0, which decodes to <see cref="Unknown"/>. Decoding joins the words
/// with single spaces, so <c>Decode(Encode(s)) == s</c> when s is known words separated by single spaces.
/// </summary>
public sealed class WordTokenizer : ITokenizer
{
    /// <summary>The word of id 0 (never added a second time, even if the corpus contains it).</summary>
    public const string Unknown = "<unk>";

    /// <summary>The id of <see cref="Unknown"/>.</summary>
    public const long UnknownId = 0;

    readonly Dictionary<string, long> idOf;

    /// <summary>A tokenizer with the vocabulary <paramref name="words"/>: id i is words[i]; words[0] must be <see cref="Unknown"/>.</summary>
    public WordTokenizer(IReadOnlyList<string> words)
    {
        if (words.Count == 0 || words[0] != Unknown)
            throw new ArgumentException($"words[0] must be {Unknown}", nameof(words));
        Words = words;
        idOf = words.Select((w, i) => (w, (long)i)).ToDictionary(p => p.w, p => p.Item2, StringComparer.Ordinal);
    }

    /// <summary>The vocabulary: id i stands for Words[i].</summary>
    public IReadOnlyList<string> Words { get; }

    public long VocabSize => Words.Count;

    /// <summary>The id of <paramref name="word"/>, or <see cref="UnknownId"/> when it is not in the vocabulary.</summary>
    public long IdOf(string word)
    {
        return idOf.TryGetValue(word, out var id) ? id : UnknownId;
    }

    /// <summary>The words of <paramref name="text"/>: split on whitespace, empty pieces dropped.</summary>
    public static string[] Split(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Builds the vocabulary of <paramref name="corpus"/>: <see cref="Unknown"/>, then its distinct words in ordinal order.</summary>
    public static WordTokenizer Fit(string corpus)
    {
        var words = Split(corpus).Where(w => w != Unknown).Distinct().Order(StringComparer.Ordinal).Prepend(Unknown).ToList();
        return new WordTokenizer(words);
    }

    /// <summary>One id per word of <paramref name="text"/>; unknown words give <see cref="UnknownId"/>.</summary>
    public long[] Encode(string text)
    {
        return Split(text).Select(IdOf).ToArray();
    }

    /// <summary>The words of <paramref name="ids"/> joined by single spaces; id 0 gives <see cref="Unknown"/>.</summary>
    public string Decode(IEnumerable<long> ids)
    {
        return string.Join(" ", ids.Select(id => Words[checked((int)id)]));
    }
}
