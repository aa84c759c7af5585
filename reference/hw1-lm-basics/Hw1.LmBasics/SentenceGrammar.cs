namespace Hw1.LmBasics;

/// <summary>
/// A tiny probabilistic context-free grammar of English-like sentences: the corpus of this homework, generated
/// here from a seed instead of downloaded. Words are lower-case ASCII, separated by single spaces, and every
/// sentence ends with the word ".", e.g. <c>"the small cat sees a dog near alice ."</c>.
/// <code>
/// S  → NP VP .          NP → Det N | Det Adj N | Name
/// VP → Vt NP | Vt NP PP | Vi | Vi PP                PP → Prep NP
/// </code>
/// The same seed gives the same text on every machine and .NET version: the random numbers come from SplitMix64
/// (Steele, Lea and Flood 2014), not from <see cref="Random"/>, whose seeded sequence .NET does not promise to keep.
/// </summary>
public sealed class SentenceGrammar
{
    static string[] Determiners => ["the", "a"];
    static string[] Adjectives => ["small", "red", "happy", "old"];
    static string[] Nouns => ["cat", "dog", "bird", "child", "teacher"];
    static string[] Names => ["alice", "bob"];
    static string[] TransitiveVerbs => ["sees", "likes", "chases", "finds"];
    static string[] IntransitiveVerbs => ["sleeps", "runs", "sings"];
    static string[] Prepositions => ["with", "near", "under"];

    /// <summary>Every word the grammar can produce, "." included.</summary>
    public static IReadOnlyList<string> Words =>
        [.. Determiners, .. Adjectives, .. Nouns, .. Names, .. TransitiveVerbs, .. IntransitiveVerbs, .. Prepositions, "."];

    ulong state;

    public SentenceGrammar(ulong seed) => state = seed;

    /// <summary>The next sentence, as its words.</summary>
    public IReadOnlyList<string> NextSentence()
    {
        var words = new List<string>();
        NounPhrase(words);
        VerbPhrase(words);
        words.Add(".");
        return words;
    }

    /// <summary><paramref name="sentences"/> sentences joined by single spaces (no trailing space).</summary>
    public string Text(int sentences) =>
        string.Join(" ", Enumerable.Range(0, sentences).Select(_ => string.Join(" ", NextSentence())));

    /// <summary>The text of <paramref name="sentences"/> sentences drawn with <paramref name="seed"/>.</summary>
    public static string Corpus(int sentences, ulong seed) => new SentenceGrammar(seed).Text(sentences);

    void NounPhrase(List<string> words)
    {
        double u = NextDouble();
        if (u < 0.25) { words.Add(Pick(Names)); return; }
        words.Add(Pick(Determiners));
        if (u < 0.55) words.Add(Pick(Adjectives));
        words.Add(Pick(Nouns));
    }

    void VerbPhrase(List<string> words)
    {
        double u = NextDouble();
        if (u < 0.6)
        {
            words.Add(Pick(TransitiveVerbs));
            NounPhrase(words);
        }
        else words.Add(Pick(IntransitiveVerbs));
        if (NextDouble() < 0.3)
        {
            words.Add(Pick(Prepositions));
            NounPhrase(words);
        }
    }

    // Skewed towards the first entries, so that the words do not all have the same frequency.
    string Pick(string[] choices)
    {
        double u = NextDouble();
        return choices[(int)(u * u * choices.Length)];
    }

    double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    ulong NextUInt64()
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
