namespace Hw1.LmBasics;

/// <summary>Turns text into token ids in <c>[0, VocabSize)</c> and back.</summary>
public interface ITokenizer
{
    /// <summary>Number of distinct token ids.</summary>
    long VocabSize { get; }

    /// <summary>The token ids of <paramref name="text"/>.</summary>
    long[] Encode(string text);

    /// <summary>The text of <paramref name="ids"/>.</summary>
    string Decode(IEnumerable<long> ids);
}
