namespace Course.Lens.Agreement;

/// <summary>
/// Labelled prompts from hw4's agreement grammar (the words and determiners of <c>AgreementGrammar</c>), drawn from a seed
/// with SplitMix64 (Steele, Lea and Flood 2014), so every machine and .NET version draws the same ones. Prompts of one
/// call are distinct; <see cref="TrainTest"/> splits by sentence, so no prompt text is in both halves. Each word list is made
/// for each use: homework code gets them too, and a list kept here that it could cast back to an array and write into would
/// change the prompts every later test of its run draws (<c>course validate</c> refuses a given library's static state).
/// </summary>
public static class AgreementPrompts
{
    static string[] SingularDeterminerList => ["the", "a", "this", "every"];
    static string[] PluralDeterminerList => ["the", "some", "these", "many"];
    static (string One, string Many)[] Nouns =>
        [("cat", "cats"), ("dog", "dogs"), ("bird", "birds"), ("child", "children"), ("teacher", "teachers"), ("fox", "foxes")];

    /// <summary>The determiners of a singular noun phrase, in the grammar's order.</summary>
    public static IReadOnlyList<string> SingularDeterminers => SingularDeterminerList;

    /// <summary>The determiners of a plural noun phrase, in the grammar's order.</summary>
    public static IReadOnlyList<string> PluralDeterminers => PluralDeterminerList;

    /// <summary>Each noun's singular and plural form, in the grammar's order.</summary>
    public static IReadOnlyList<(string One, string Many)> NounPairs => Nouns;
    static string[] TransitiveStems => ["see", "like", "chase", "follow"];
    static string[] IntransitiveStems => ["sleep", "run", "sing", "wait"];

    /// <summary>The stems of the transitive verbs (<c>see</c>, ...), in the grammar's order; a singular subject adds an s.</summary>
    public static IReadOnlyList<string> TransitiveVerbStems => TransitiveStems;

    /// <summary>The stems of the intransitive verbs (<c>sleep</c>, ...), in the grammar's order; a singular subject adds an s.</summary>
    public static IReadOnlyList<string> IntransitiveVerbStems => IntransitiveStems;

    /// <summary>Every noun form of the grammar, singular and plural, e.g. for a control task's word types.</summary>
    public static IReadOnlyList<string> NounForms => [.. Nouns.Select(n => n.One), .. Nouns.Select(n => n.Many)];

    /// <summary><paramref name="count"/> distinct prompts with <paramref name="clause"/>, subjects singular or plural at random.</summary>
    /// <exception cref="ArgumentException">The grammar has fewer distinct prompts of that kind than asked for.</exception>
    public static IReadOnlyList<AgreementPrompt> Sample(int count, ulong seed, Clause clause)
    {
        var random = new SplitMix64(seed);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var prompts = new List<AgreementPrompt>(count);
        for (int tries = 0; prompts.Count < count; tries++)
        {
            if (tries > 50 * count + 1000) throw new ArgumentException($"the grammar has fewer than {count} distinct {clause} prompts", nameof(count));
            var prompt = Draw(random, clause);
            if (seen.Add(prompt.Text)) prompts.Add(prompt);
        }
        return prompts;
    }

    /// <summary>Disjoint train and test prompts: the first <paramref name="train"/> distinct ones drawn, then the next <paramref name="test"/>.</summary>
    public static (IReadOnlyList<AgreementPrompt> Train, IReadOnlyList<AgreementPrompt> Test) TrainTest(int train, int test, ulong seed, Clause clause)
    {
        var all = Sample(train + test, seed, clause);
        return (all.Take(train).ToList(), all.Skip(train).ToList());
    }

    static AgreementPrompt Draw(SplitMix64 random, Clause clause)
    {
        bool plural = random.Coin();
        var (subjectPhrase, subject) = NounPhrase(random, plural);
        var words = new List<string> { subjectPhrase };
        string? attractor = null;
        bool? attractorPlural = null;
        if (clause != Clause.None)
        {
            attractorPlural = random.Coin();
            (var attractorPhrase, attractor) = NounPhrase(random, attractorPlural.Value);
            var clauseVerb = random.Pick(TransitiveStems);
            words.Add(clause == Clause.SubjectRelative
                ? $"that {Agree(clauseVerb, plural)} {attractorPhrase}"
                : $"that {attractorPhrase} {Agree(clauseVerb, attractorPlural.Value)}");
        }
        words.Add(random.Pick(random.Coin() ? IntransitiveStems : TransitiveStems));
        return new AgreementPrompt(string.Join(" ", words), subject, plural, clause, attractor, attractorPlural);
    }

    static (string Phrase, string Noun) NounPhrase(SplitMix64 random, bool plural)
    {
        var determiner = random.Pick(plural ? PluralDeterminerList : SingularDeterminerList);
        var (one, many) = random.Pick(Nouns);
        var noun = plural ? many : one;
        return ($"{determiner} {noun}", noun);
    }

    internal static string Agree(string stem, bool plural) => plural ? stem : stem + "s";
}
