using Course.Grader.Run;

namespace Course.Grader.Tests.Run;

/// <summary>
/// NUnit's messages rewritten so that the first line says what was got and expected (<see cref="AssertionMessage"/>), from
/// the messages NUnit 4 writes: a red team (stop 60) found first lines that stated a requirement as if it held.
/// </summary>
public class AssertionMessageTests
{
    [Test]
    public void Given_a_constraint_failure_with_a_message_Then_the_first_line_says_what_was_got_and_expected_and_the_original_follows()
    {
        const string nunit = "  cached activations are detached (the model's weights require grad here)\nAssert.That(cache.Keys.Where(k => cache[k].requires_grad), Is.Empty)\n" +
                             "  Expected: <empty>\n  But was:  < \"hook_embed\", \"hook_pos_embed\" >\n";

        var message = AssertionMessage.Readable(Result(nunit)).Message;

        Assert.That(message.Split('\n')[0], Is.EqualTo("cached activations are detached (the model's weights require grad here): got < \"hook_embed\", \"hook_pos_embed\" >, expected <empty>"));
        Assert.That(message, Does.EndWith(nunit.TrimStart()));
    }

    [Test]
    public void Given_NUnits_numbers_Then_they_read_as_numbers()
    {
        const string nunit = "  the first loss\nAssert.That(loss, Is.Not.NaN.And.LessThan(2.0))\n  Expected: not NaN and less than 2.0d\n  But was:  2.0794415416798357d\n";

        Assert.That(AssertionMessage.Readable(Result(nunit)).Message.Split('\n')[0], Is.EqualTo("the first loss: got 2.07944, expected not NaN and less than 2"));
    }

    [Test]
    public void Given_numbers_that_agree_to_six_digits_Then_they_get_the_digits_that_tell_them_apart_and_the_difference()
    {
        // A red team (stop 60): a float32 sum held to 1e-12 read "got -1.92552, expected -1.92552 +/- 1E-12".
        const string nunit = "  LogLikelihood([1 1 0 0 0])\nAssert.That(ll, Is.EqualTo(expected).Within(1e-12))\n" +
                             "  Expected: -1.9255194594075793d +/- 9.9999999999999998E-13d\n  But was:  -1.9255193632156358d\n  Off by:   9.6191943500000002E-08d\n";

        Assert.That(AssertionMessage.Readable(Result(nunit)).Message.Split('\n')[0],
            Is.EqualTo("LogLikelihood([1 1 0 0 0]): got -1.92551936, expected -1.92551946 +/- 1E-12 (off by 9.62E-08)"));
    }

    [Test]
    public void Given_an_assert_multiple_Then_it_leads_with_the_first_failed_check_says_how_many_more_and_drops_the_stack_frames()
    {
        const string nunit = "Multiple failures or warnings in test:\n" +
            "  1)   fraction of variance explained (the reference reaches 0.88)\nAssert.That(fve, Is.GreaterThanOrEqualTo(0.80))\n" +
            "  Expected: greater than or equal to 0.80000000000000004d\n  But was:  -0.0068007448976026286d\n\n" +
            "     at Hw7.Sae.HiddenTests.TinyGptSaeTests.<>c__DisplayClass1_0.<Sae_B>b__5() in tests/TinyGptSaeTests.cs:line 63\n   at NUnit.Framework.Assert.Multiple(Action action)\n\n" +
            "  2)   L0 must be at most 32\nAssert.That(l0, Is.LessThanOrEqualTo(32.0))\n  Expected: less than or equal to 32.0d\n  But was:  110.81638764121411d\n\n" +
            "     at Hw7.Sae.HiddenTests.TinyGptSaeTests.<>c__DisplayClass1_0.<Sae_B>b__6() in tests/TinyGptSaeTests.cs:line 66\n";

        var message = AssertionMessage.Readable(Result(nunit)).Message;

        Assert.That(message.Split('\n')[0], Is.EqualTo("fraction of variance explained (the reference reaches 0.88): got -0.00680074, expected greater than or equal to 0.8 (and 1 more check failed, below)"));
        Assert.That(message, Does.Contain("  2) L0 must be at most 32").And.Not.Contain("DisplayClass").And.Not.Contain(" at NUnit."));
    }

    [TestCase("Assert.That(x, Is.False)\n  Expected: False\n  But was:  True\n")]
    [TestCase("logits: 4 of 4 elements (100%) differ beyond rtol=6.1E-05")]
    [TestCase("not implemented yet: Bigram.Counts: count each pair")]
    public void Given_a_message_with_no_what_or_no_expected_value_Then_it_is_left_as_it_is(string nunit)
    {
        var result = Result(nunit);

        Assert.That(AssertionMessage.Readable(result), Is.SameAs(result));
    }

    static TestCaseResult Result(string message) =>
        new(new TestCaseSpec("T.A", "A", "T", "Tiny.Homework.Tests", new Dictionary<string, IReadOnlyList<string>>(), null, 1), TestOutcome.Failed, message, "", 0, "");
}
