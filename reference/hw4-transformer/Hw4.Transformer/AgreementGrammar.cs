namespace Hw4.Transformer;

/// <summary>
/// The corpus of this homework, generated from a seed: English-like sentences whose verbs agree in number with their
/// subjects across nested relative clauses, in the spirit of the agreement tests of Linzen, Dupoux and Goldberg (2016).
/// <code>
/// S        → NP[n] VP[n] .
/// NP[n]    → Det[n] N[n] | Det[n] N[n] RC[n]                 (depth at most 2)
/// RC[n]    → that VP[n] | that NP[m] Vt[m]                   (subject and object relatives)
/// VP[n]    → Vi[n] | Vt[n] NP[m]
/// </code>
/// e.g. <c>"the dogs that the cat chases sleep ."</c>: the "s" of a verb depends on a noun that can be many characters
/// back, and each word is a fixed spelling. A character bigram model sees one character of context and can learn
/// neither; a small transformer learns both. Characters: lower-case a-z, space and ".". Sentences are separated by single
/// spaces, with no trailing space.
/// A relative clause follows a noun with probability <c>relativeClause</c> (0.35 by default; the checkpoint of the
/// interpretability homeworks trains on more of them, so that it learns agreement across clauses).
/// The same seed gives the same text on every machine and .NET version: the random numbers come from SplitMix64
/// (Steele, Lea and Flood 2014), not from <see cref="Random"/>, whose seeded sequence .NET does not promise to keep.
/// </summary>
public sealed class AgreementGrammar
{
    static string[] SingularDeterminers => ["the", "a", "this", "every"];
    static string[] PluralDeterminers => ["the", "some", "these", "many"];
    static (string One, string Many)[] Nouns =>
        [("cat", "cats"), ("dog", "dogs"), ("bird", "birds"), ("child", "children"), ("teacher", "teachers"), ("fox", "foxes")];
    static (string One, string Many)[] TransitiveVerbs =>
        [("sees", "see"), ("likes", "like"), ("chases", "chase"), ("follows", "follow")];
    static (string One, string Many)[] IntransitiveVerbs =>
        [("sleeps", "sleep"), ("runs", "run"), ("sings", "sing"), ("waits", "wait")];
    const int MaxDepth = 2;
    public const double DefaultRelativeClause = 0.35;

    ulong state;
    readonly double relativeClause;

    public AgreementGrammar(ulong seed, double relativeClause = DefaultRelativeClause)
    {
        state = seed;
        this.relativeClause = relativeClause;
    }

    /// <summary>The next sentence, as its words (the last is ".").</summary>
    public IReadOnlyList<string> NextSentence()
    {
        var words = new List<string>();
        bool plural = Coin(0.5);
        NounPhrase(words, plural, depth: 0);
        VerbPhrase(words, plural, depth: 0);
        words.Add(".");
        return words;
    }

    /// <summary><paramref name="sentences"/> sentences joined by single spaces.</summary>
    public string Text(int sentences) =>
        string.Join(" ", Enumerable.Range(0, sentences).Select(_ => string.Join(" ", NextSentence())));

    /// <summary>The text of <paramref name="sentences"/> sentences drawn with <paramref name="seed"/>.</summary>
    public static string Corpus(int sentences, ulong seed, double relativeClause = DefaultRelativeClause) =>
        new AgreementGrammar(seed, relativeClause).Text(sentences);

    void NounPhrase(List<string> words, bool plural, int depth)
    {
        words.Add(Pick(plural ? PluralDeterminers : SingularDeterminers));
        var noun = Pick(Nouns);
        words.Add(plural ? noun.Many : noun.One);
        if (depth < MaxDepth && Coin(relativeClause))
        {
            words.Add("that");
            if (Coin(0.5)) VerbPhrase(words, plural, depth + 1);
            else
            {
                bool objectPlural = Coin(0.5);
                NounPhrase(words, objectPlural, depth + 1);
                var verb = Pick(TransitiveVerbs);
                words.Add(objectPlural ? verb.Many : verb.One);
            }
        }
    }

    void VerbPhrase(List<string> words, bool plural, int depth)
    {
        if (Coin(0.4))
        {
            var verb = Pick(IntransitiveVerbs);
            words.Add(plural ? verb.Many : verb.One);
            return;
        }
        var transitive = Pick(TransitiveVerbs);
        words.Add(plural ? transitive.Many : transitive.One);
        NounPhrase(words, Coin(0.5), depth + 1);
    }

    T Pick<T>(T[] choices) => choices[(int)(NextDouble() * choices.Length)];

    bool Coin(double p) => NextDouble() < p;

    double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    ulong NextUInt64()
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
