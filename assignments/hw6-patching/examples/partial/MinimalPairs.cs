using Course.Lens.Agreement;

namespace Hw6.Patching;

/// <summary>
/// A clean prompt and its corrupted twin: the same characters except the subject's number, so every position means the
/// same thing in both runs and an activation can be moved from one run into the other (Meng et al. 2022; Wang et al. 2023).
/// </summary>
/// <param name="Clean">E.g. <c>this dog that the cats chase run</c>: the model should continue with "s".</param>
/// <param name="Corrupted">E.g. <c>the dogs that the cats chase run</c>, of the same length: it should continue with " ".</param>
/// <param name="PluralClean">Whether the clean prompt's subject is plural.</param>
public sealed record MinimalPair(string Clean, string Corrupted, bool PluralClean);

/// <summary>Minimal pairs from the agreement grammar of <see cref="AgreementPrompts"/>.</summary>
public static class MinimalPairs
{
    /// <summary>
    /// <paramref name="prompt"/> with its subject's number swapped and nothing else changed: the subject phrase (the first
    /// two words, determiner and noun) becomes the noun's other form with the FIRST determiner of that number, in
    /// <see cref="AgreementPrompts.SingularDeterminers"/> or <see cref="AgreementPrompts.PluralDeterminers"/> order, that
    /// keeps the phrase's length (<c>this dog</c> ↔ <c>the dogs</c>, <c>every fox</c> ↔ <c>the foxes</c>).
    /// </summary>
    /// <returns>
    /// The corrupted text, or null when there is none: no determiner keeps the length (<c>a dog</c>, <c>the children</c>),
    /// or the prompt has a subject relative clause, whose own verb agrees with the subject (<c>the dog that chases ...</c>).
    /// </returns>
    public static string? Corrupt(AgreementPrompt prompt)
    {
        if (prompt.Clause == Clause.SubjectRelative) return null;
        var words = prompt.Text.Split(' ');
        var (determiner, noun) = (words[0], words[1]);
        var (one, many) = AgreementPrompts.NounPairs.First(n => n.One == noun || n.Many == noun);
        var otherNoun = prompt.PluralSubject ? one : many;
        var otherDeterminers = prompt.PluralSubject ? AgreementPrompts.SingularDeterminers : AgreementPrompts.PluralDeterminers;
        var otherDeterminer = otherDeterminers.FirstOrDefault(d => d.Length + otherNoun.Length == determiner.Length + noun.Length);
        return otherDeterminer is null ? null : string.Join(' ', [otherDeterminer, otherNoun, .. words[2..]]);
    }

    /// <summary>The minimal pair of each prompt that has one (see <see cref="Corrupt"/>), in order; prompts without one are left out.</summary>
    public static IReadOnlyList<MinimalPair> Of(IEnumerable<AgreementPrompt> prompts)
    {
        return prompts.Select(p => (Prompt: p, Corrupted: Corrupt(p)))
            .Where(p => p.Corrupted is not null)
            .Select(p => new MinimalPair(p.Prompt.Text, p.Corrupted!, p.Prompt.PluralSubject))
            .ToList();
    }
}
