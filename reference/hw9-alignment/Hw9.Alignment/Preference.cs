using Course.Lens.Agreement;

namespace Hw9.Alignment;

/// <summary>
/// The "human" preference of this homework, as the handout states it: <b>a sentence about birds whose main verb is
/// intransitive</b>, e.g. <c>"the birds that a fox chases sleep ."</c> (its subject is "birds", its main verb "sleep"),
/// but not <c>"the bird sees a cat ."</c> (a transitive main verb) nor <c>"a cat that likes the birds runs ."</c> (the
/// subject is a cat). The labellers judge whole sentences of hw4's grammar; a text that is not one (a sample that
/// never reaches its ".", or runs words together) is never preferred. Agreement is not part of the preference: the
/// homework measures it on its own, as the alignment tax. A leading <c>"."</c> (the end of the sentence before, which
/// every prompt starts with) is skipped.
/// </summary>
public static class Preference
{
    public const string Statement = "a sentence about birds (its subject is \"bird\" or \"birds\") whose main verb is intransitive";

    /// <summary>Whether the labellers prefer <paramref name="sentence"/> (a prompt and its completion, e.g. <c>". the birds sing ."</c>).</summary>
    public static bool IsPreferred(string sentence) =>
        Parse(sentence) is { } parse && parse.Subject is "bird" or "birds" && parse.MainVerbIntransitive;

    /// <summary>
    /// The subject noun and main verb of a sentence of the grammar, or null when <paramref name="sentence"/> is not one
    /// (words are checked, agreement is not).
    /// </summary>
    public static SentenceParse? Parse(string sentence)
    {
        var words = sentence.Split(' ');
        int at = words.Length > 1 && words[0] == "." ? 1 : 0;
        if (!NounPhrase(words, ref at, out var subject) || at >= words.Length) return null;
        var mainVerb = words[at];
        if (!VerbPhrase(words, ref at) || at != words.Length - 1 || words[at] != ".") return null;
        return new SentenceParse(subject, mainVerb, IsVerb(mainVerb, AgreementPrompts.IntransitiveVerbStems));
    }

    // NP → Det N [that RC];  RC → VP | NP Vt;  VP → Vi | Vt NP. One word of lookahead decides every choice.
    static bool NounPhrase(string[] words, ref int at, out string noun)
    {
        noun = "";
        if (at + 1 >= words.Length || !IsDeterminer(words[at]) || !AgreementPrompts.NounForms.Contains(words[at + 1])) return false;
        noun = words[at + 1];
        at += 2;
        if (at >= words.Length || words[at] != "that") return true;
        at++;
        if (at < words.Length && IsDeterminer(words[at]))
        {
            if (!NounPhrase(words, ref at, out _) || at >= words.Length || !IsVerb(words[at], AgreementPrompts.TransitiveVerbStems)) return false;
            at++;
            return true;
        }
        return VerbPhrase(words, ref at);
    }

    static bool VerbPhrase(string[] words, ref int at)
    {
        if (at >= words.Length) return false;
        var verb = words[at++];
        if (IsVerb(verb, AgreementPrompts.IntransitiveVerbStems)) return true;
        return IsVerb(verb, AgreementPrompts.TransitiveVerbStems) && NounPhrase(words, ref at, out _);
    }

    static bool IsDeterminer(string word) => AgreementPrompts.SingularDeterminers.Contains(word) || AgreementPrompts.PluralDeterminers.Contains(word);

    static bool IsVerb(string word, IReadOnlyList<string> stems) => stems.Any(stem => word == stem || word == stem + "s");
}

/// <summary>What <see cref="Preference.Parse"/> reads from a sentence: its subject noun and its main verb.</summary>
public sealed record SentenceParse(string Subject, string MainVerb, bool MainVerbIntransitive);
