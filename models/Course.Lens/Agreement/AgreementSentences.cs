namespace Course.Lens.Agreement;

/// <summary>
/// Whole sentences of hw4's agreement grammar, drawn from a seed with SplitMix64, as the tiny GPT's training text has
/// them (a noun takes a relative clause with probability 0.5, nesting at most 2 deep, as in its checkpoint's corpus):
/// <code>
/// S      → NP[n] VP[n] .
/// NP[n]  → Det[n] N[n] | Det[n] N[n] that RC[n]
/// RC[n]  → VP[n] | NP[m] Vt[m]
/// VP[n]  → Vi[n] | Vt[n] NP[m]
/// </code>
/// e.g. <c>"the birds that a fox chases sleep ."</c>. A sentence is its words joined by single spaces, the last word ".".
/// </summary>
public static class AgreementSentences
{
    const int MaxDepth = 2;
    const double RelativeClause = 0.5, Intransitive = 0.4;

    /// <summary><paramref name="count"/> sentences (repeats allowed) of at most <paramref name="maxLength"/> characters.</summary>
    public static IReadOnlyList<string> Sample(int count, ulong seed, int maxLength = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 12);
        var random = new SplitMix64(seed);
        var sentences = new List<string>(count);
        while (sentences.Count < count)
        {
            var words = new List<string>();
            bool plural = random.Coin();
            NounPhrase(random, words, plural, depth: 0);
            VerbPhrase(random, words, plural, depth: 0);
            words.Add(".");
            var sentence = string.Join(" ", words);
            if (sentence.Length <= maxLength) sentences.Add(sentence);
        }
        return sentences;
    }

    static void NounPhrase(SplitMix64 random, List<string> words, bool plural, int depth)
    {
        words.Add(random.Pick(plural ? AgreementPrompts.PluralDeterminers : AgreementPrompts.SingularDeterminers));
        var (one, many) = random.Pick(AgreementPrompts.NounPairs);
        words.Add(plural ? many : one);
        if (depth >= MaxDepth || !random.Chance(RelativeClause)) return;
        words.Add("that");
        if (random.Coin())
        {
            VerbPhrase(random, words, plural, depth + 1);
            return;
        }
        bool objectPlural = random.Coin();
        NounPhrase(random, words, objectPlural, depth + 1);
        words.Add(AgreementPrompts.Agree(random.Pick(AgreementPrompts.TransitiveVerbStems), objectPlural));
    }

    static void VerbPhrase(SplitMix64 random, List<string> words, bool plural, int depth)
    {
        bool intransitive = random.Chance(Intransitive);
        words.Add(AgreementPrompts.Agree(random.Pick(intransitive ? AgreementPrompts.IntransitiveVerbStems : AgreementPrompts.TransitiveVerbStems), plural));
        if (!intransitive) NounPhrase(random, words, random.Coin(), depth + 1);
    }
}
