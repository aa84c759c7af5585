using Course.Lens.Agreement;

namespace Hw4.Transformer.Checkpoint.Tests;

/// <summary>
/// The grammar's word lists of models/Course.Lens are shared by the tests and the homework code of one run: no caller can
/// write into them, not even by casting a list back to the array behind it, so every test draws the grammar's prompts.
/// </summary>
public sealed class AgreementWordListsTests
{
    static IEnumerable<TestCaseData> WordLists()
    {
        yield return new TestCaseData(AgreementPrompts.SingularDeterminers).SetArgDisplayNames("SingularDeterminers");
        yield return new TestCaseData(AgreementPrompts.PluralDeterminers).SetArgDisplayNames("PluralDeterminers");
        yield return new TestCaseData(AgreementPrompts.TransitiveVerbStems).SetArgDisplayNames("TransitiveVerbStems");
        yield return new TestCaseData(AgreementPrompts.IntransitiveVerbStems).SetArgDisplayNames("IntransitiveVerbStems");
        yield return new TestCaseData(AgreementPrompts.NounForms).SetArgDisplayNames("NounForms");
    }

    [TestCaseSource(nameof(WordLists))]
    public void Given_a_word_list_When_a_caller_tries_to_write_into_it_Then_it_cannot(IReadOnlyList<string> words)
    {
        var first = words[0];

        Assert.That(words, Is.Not.InstanceOf<string[]>(), "a list that is an array can be cast back and written into");
        Assert.Throws<NotSupportedException>(() => ((IList<string>)words)[0] = "zebra");
        Assert.That(words[0], Is.EqualTo(first));
    }

    [Test]
    public void Given_the_noun_pairs_When_a_caller_tries_to_write_into_them_Then_it_cannot()
    {
        var pairs = AgreementPrompts.NounPairs;

        Assert.That(pairs, Is.Not.InstanceOf<(string, string)[]>());
        Assert.Throws<NotSupportedException>(() => ((IList<(string One, string Many)>)pairs)[0] = ("zebra", "zebras"));
        Assert.That(pairs[0], Is.EqualTo(("cat", "cats")));
    }
}
