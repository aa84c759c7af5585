namespace Course.Lens.Agreement;

/// <summary>What stands between a sentence's subject and its main verb.</summary>
public enum Clause
{
    /// <summary><c>the dog run</c>: the verb follows its subject.</summary>
    None,

    /// <summary><c>the dog that chases the cats run</c>: a subject relative clause ends in a noun (the attractor).</summary>
    SubjectRelative,

    /// <summary><c>the dog that the cats chase run</c>: an object relative clause, whose own verb agrees with the attractor.</summary>
    ObjectRelative,
}

/// <summary>
/// The start of a sentence of hw4's agreement grammar, cut after the last character of its main verb's stem. The next
/// character decides the verb's number: <c>"s"</c> when the subject is singular, <c>" "</c> when it is plural (every
/// verb of the grammar adds an s). <see cref="Attractor"/> is the noun inside the clause, whose number is drawn
/// independently of the subject's, so the word before the verb says nothing about the answer.
/// </summary>
public sealed record AgreementPrompt(string Text, string Subject, bool PluralSubject, Clause Clause, string? Attractor, bool? PluralAttractor)
{
    /// <summary>The position of the verb stem's last character: where the model predicts "s" or " ".</summary>
    public int VerbPosition => Text.Length - 1;

    /// <summary>The character that continues the prompt correctly.</summary>
    public char CorrectNext => PluralSubject ? ' ' : 's';
}
