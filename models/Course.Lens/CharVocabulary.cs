using static TorchSharp.torch;

namespace Course.Lens;

/// <summary>
/// The tiny GPT's tokenizer: one token per character. Id i is the i-th symbol; id 0 (U+FFFD) stands for any character
/// the model never saw.
/// </summary>
public sealed class CharVocabulary
{
    public const char Unknown = '\uFFFD';
    readonly string symbols;
    readonly Dictionary<char, long> ids;

    public CharVocabulary(string symbols)
    {
        if (symbols.Length == 0 || symbols[0] != Unknown || symbols.Distinct().Count() != symbols.Length)
            throw new ArgumentException("a vocabulary starts with U+FFFD and lists each character once", nameof(symbols));
        this.symbols = symbols;
        ids = symbols.Select((c, i) => (c, (long)i)).ToDictionary(p => p.c, p => p.Item2);
    }

    public long Size => symbols.Length;

    /// <summary>The id of <paramref name="symbol"/>, e.g. <c>Id('s')</c> for the logit of "s".</summary>
    public long Id(char symbol) => ids.GetValueOrDefault(symbol, 0);

    public long[] Encode(string text) => text.Select(Id).ToArray();

    public string Decode(IEnumerable<long> tokens) => new(tokens.Select(t => t >= 0 && t < symbols.Length ? symbols[(int)t] : Unknown).ToArray());

    /// <summary><c>text → tokens [1, pos]</c> (int64, on the CPU).</summary>
    public Tensor ToTokens(string text) => tensor(Encode(text)).unsqueeze(0);
}
