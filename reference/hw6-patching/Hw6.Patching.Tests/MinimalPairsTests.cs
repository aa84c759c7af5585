using Course.Lens.Agreement;
using Course.Testing;
using NUnit.Framework;

namespace Hw6.Patching.Tests;

public sealed class MinimalPairsTests : TorchTest
{
    [TestCase("this dog that the cats chase run", "dog", false, Clause.ObjectRelative, "the dogs that the cats chase run")]
    [TestCase("the dogs run", "dogs", true, Clause.None, "this dog run")]
    [TestCase("some birds that a fox sees wait", "birds", true, Clause.ObjectRelative, "every bird that a fox sees wait")]
    [TestCase("every fox sing", "fox", false, Clause.None, "the foxes sing")]
    [TestCase("many teachers like", "teachers", true, Clause.None, "every teacher like")]
    [TestCase("every cat wait", "cat", false, Clause.None, "some cats wait")] // "many" has 4 letters too, but comes later
    [TestCase("every fox that every fox follows like", "fox", false, Clause.ObjectRelative, "the foxes that every fox follows like")] // the attractor is the subject phrase again: only the first two words change
    [Points(6)]
    public void Corrupt_SwapsTheSubjectsNumber_WithTheFirstDeterminerThatKeepsTheLength(string text, string subject, bool plural, Clause clause, string expected)
    {
        var prompt = new AgreementPrompt(text, subject, plural, clause, null, null);

        var corrupted = MinimalPairs.Corrupt(prompt);

        Assert.That(corrupted, Is.EqualTo(expected), $"the corrupted twin of '{text}'");
    }

    [TestCase("a dog run", "dog", false, Clause.None)] // no plural determiner of 2 letters
    [TestCase("these dogs sleep", "dogs", true, Clause.None)] // no singular determiner of 6 letters
    [TestCase("the children that the dog sees sing", "children", true, Clause.ObjectRelative)] // "child" is 3 letters shorter
    [TestCase("this dog that chases the cats run", "dog", false, Clause.SubjectRelative)] // the clause's verb agrees with the subject too
    [Points(4)]
    public void Corrupt_IsNull_WhenNoTwinOfTheSameLengthDiffersOnlyInTheSubjectsNumber(string text, string subject, bool plural, Clause clause)
    {
        var prompt = new AgreementPrompt(text, subject, plural, clause, null, null);

        Assert.That(MinimalPairs.Corrupt(prompt), Is.Null, $"'{text}' has no minimal pair");

        // A prompt of the same kind that does have a twin.
        var (twin, expected) = text switch
        {
            "a dog run" => (new AgreementPrompt("every fox sing", "fox", false, Clause.None, null, null), "the foxes sing"),
            "these dogs sleep" => (new AgreementPrompt("the dogs run", "dogs", true, Clause.None, null, null), "this dog run"),
            "the children that the dog sees sing" => (new AgreementPrompt("some birds that a fox sees wait", "birds", true, Clause.ObjectRelative, null, null), "every bird that a fox sees wait"),
            _ => (new AgreementPrompt("this dog that the cats chase run", "dog", false, Clause.ObjectRelative, null, null), "the dogs that the cats chase run"),
        };
        Assert.That(MinimalPairs.Corrupt(twin), Is.EqualTo(expected), $"the corrupted twin of '{twin.Text}', which has one");
    }

    [Test, Points(2)]
    public void Of_KeepsEveryPromptThatHasATwin_InOrder_WithTheCleanSubjectsNumber()
    {
        AgreementPrompt[] prompts =
        [
            new("a cat wait", "cat", false, Clause.None, null, null),
            new("this cat wait", "cat", false, Clause.None, null, null),
            new("this dog that sees the cats run", "dog", false, Clause.SubjectRelative, null, null),
            new("the cats that the dog sees run", "cats", true, Clause.ObjectRelative, null, null),
            new("this cat wait", "cat", false, Clause.None, null, null),
        ];

        var pairs = MinimalPairs.Of(prompts);

        // What each pair holds, read through its properties: a MinimalPair's own equality is the student's record's.
        Assert.That(pairs.Select(p => (p.Clean, p.Corrupted, p.PluralClean)), Is.EqualTo(new[]
        {
            ("this cat wait", "the cats wait", false),
            ("the cats that the dog sees run", "this cat that the dog sees run", true),
            ("this cat wait", "the cats wait", false),
        }), "MinimalPairs.Of (Clean, Corrupted, PluralClean) of each pair: the prompts that have a twin, in their order, each with its corrupted twin and whether the clean subject is plural; a prompt without a twin is left out, and one listed twice gives its pair twice");
    }
}
