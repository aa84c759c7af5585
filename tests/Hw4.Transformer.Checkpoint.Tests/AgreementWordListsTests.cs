using Course.Lens.Agreement;

namespace Hw4.Transformer.Checkpoint.Tests;

/// <summary>
/// The grammar's word lists of models/Course.Lens are shared by the tests and the homework code of one run: a caller that
/// writes into a list it got, even by casting it back to the array behind it, changes no one else's, so every test draws the
/// grammar's prompts. Each use gets a list of its own (a given library keeps no static state: GivenLibraryState).
/// </summary>
public sealed class AgreementWordListsTests
{
    static IEnumerable<TestCaseData> WordLists()
    {
        yield return new TestCaseData((Func<IReadOnlyList<string>>)(() => AgreementPrompts.SingularDeterminers)).SetArgDisplayNames("SingularDeterminers");
        yield return new TestCaseData((Func<IReadOnlyList<string>>)(() => AgreementPrompts.PluralDeterminers)).SetArgDisplayNames("PluralDeterminers");
        yield return new TestCaseData((Func<IReadOnlyList<string>>)(() => AgreementPrompts.TransitiveVerbStems)).SetArgDisplayNames("TransitiveVerbStems");
        yield return new TestCaseData((Func<IReadOnlyList<string>>)(() => AgreementPrompts.IntransitiveVerbStems)).SetArgDisplayNames("IntransitiveVerbStems");
        yield return new TestCaseData((Func<IReadOnlyList<string>>)(() => AgreementPrompts.NounForms)).SetArgDisplayNames("NounForms");
    }

    [TestCaseSource(nameof(WordLists))]
    public void Given_a_word_list_When_a_caller_writes_into_the_one_it_got_Then_the_next_caller_gets_the_grammars(Func<IReadOnlyList<string>> list)
    {
        var first = list()[0];

        Write(() => ((IList<string>)list())[0] = "zebra");
        if (list() is string[] array) array[0] = "zebra";

        Assert.That(list()[0], Is.EqualTo(first));
        Assert.That(list(), Is.Not.SameAs(list()), "each use gets a list of its own");
    }

    [Test]
    public void Given_the_noun_pairs_When_a_caller_writes_into_the_ones_it_got_Then_the_next_caller_gets_the_grammars()
    {
        Write(() => ((IList<(string One, string Many)>)AgreementPrompts.NounPairs)[0] = ("zebra", "zebras"));
        if (AgreementPrompts.NounPairs is (string, string)[] array) array[0] = ("zebra", "zebras");

        Assert.That(AgreementPrompts.NounPairs[0], Is.EqualTo(("cat", "cats")));
    }

    /// <summary>A write into a list, which may refuse it (a read-only list) or take it (an array of the caller's own).</summary>
    static void Write(Action write)
    {
        try
        {
            write();
        }
        catch (NotSupportedException)
        {
        }
    }
}
