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
                             "  Expected: -1.9255194594075793d +/- 9.9999999999999998E-13d\n  But was:  -1.9255193632156358d\n  Off by:   -9.6191943521617418E-08d\n";

        Assert.That(AssertionMessage.Readable(Result(nunit)).Message.Split('\n')[0],
            Is.EqualTo("LogLikelihood([1 1 0 0 0]): got -1.92551936, expected -1.92551946 +/- 1E-12 (9.62E-08 too high)"));
    }

    /// <summary>NUnit's "Off by" is expected minus got: a red team (round 18) read "got 11.2661, expected 1.60944 (off by -9.66)" for a loss 7 times too big.</summary>
    [Test]
    public void Given_a_number_off_by_a_factor_Then_the_first_line_gives_the_ratio_not_NUnits_difference()
    {
        const string nunit = "  the first TrainStep returns the loss, ln 5\nAssert.That(loss, Is.EqualTo(Math.Log(5)).Within(1e-5))\n" +
                             "  Expected: 1.6094379124341003d +/- 1.0000000000000001E-05d\n  But was:  11.266065387038703d\n  Off by:   -9.6566274746046025d\n";

        Assert.That(AssertionMessage.Readable(Result(nunit)).Message.Split('\n')[0],
            Is.EqualTo("the first TrainStep returns the loss, ln 5: got 11.2661, expected 1.60944 +/- 1E-05 (7 times the expected value)"));
    }

    // As NUnit 5 writes them (its source line is empty for a call made through a lambda, and spans lines for a long one).
    [TestCase("  merges, most frequent pair first\nAssert.That(merges, Is.EqualTo(expected))\n  Expected and actual are both <System.Collections.Generic.List`1[System.ValueTuple`2[System.Int64,System.Int64]]> with 60 elements\n" +
              "  Values differ at index [6]\n  Expected: (97, 116)\n  But was:  (99, 97)\n",
        "merges, most frequent pair first: at index [6] got (99, 97), expected (97, 116)")]
    [TestCase("  Decode(Encode(text))\nAssert.That(tokenizer.Decode(tokenizer.Encode(text)),\n    Is.EqualTo(text))\n  String lengths are both 4. Strings differ at index 2.\n  Expected: \"abxd\"\n  But was:  \"abcd\"\n  -------------^\n",
        "Decode(Encode(text)): at character 2 got \"abcd\", expected \"abxd\"")]
    [TestCase("  the cache's keys\nAssert.That(, )\n  Expected: equivalent to < 1, 2, 4 >\n  But was:  < 1, 2, 3 >\n  Missing (1): < 4 >\n  Extra (1): < 3 >\n",
        "the cache's keys: got < 1, 2, 3 >, expected equivalent to < 1, 2, 4 > (missing < 4 >; extra < 3 >)")]
    [TestCase("  the hook's exception reaches the caller\nAssert.That(() => model.RunWithHooks(tokens.clone(),\n    (\"blocks.0.hook_resid_pre\", (_, _) => null)), Throws.InvalidOperationException)\n" +
              "  Expected: <System.InvalidOperationException>\n  But was:  <System.NotImplementedException: Hooks.RunWithHooks: look every hook point up first\n   at Hw5.Probes.Hooks.RunWithHooks() in Hooks.cs:line 31\n",
        "not implemented yet: Hooks.RunWithHooks: look every hook point up first")]
    [TestCase("  the first loss\nAssert.That(, )\n  Expected: 2.0368700000000001d +/- 1.0000000000000001E-05d\n  But was:  0.0d\n  Off by:   2.0368700000000001d\n",
        "the first loss: got 0, expected 2.03687 +/- 1E-05 (0 where the expected is not: is the result ever computed, or multiplied by a zero?)")]
    [TestCase("  nothing throws\nAssert.That(, )\n  Expected: No Exception to be thrown\n  But was:  <System.InvalidOperationException: boom\n--- End of stack trace from previous location ---\n",
        "nothing throws: got InvalidOperationException (boom), expected No Exception to be thrown")]
    public void Given_NUnits_details_Then_the_first_line_says_where_the_values_differ_and_names_an_exception_by_its_short_name(string nunit, string firstLine) =>
        Assert.That(AssertionMessage.Readable(Result(nunit)).Message.Split('\n')[0], Is.EqualTo(firstLine));

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

    /// <summary>
    /// NUnit's "got False, expected True" after a "what" that describes the failure read as if it had not happened: a red team
    /// (round 19) read "MarkovSampler.Sample drew one state for all 27 tokens: got False, expected True".
    /// </summary>
    [TestCase("  MarkovSampler.Sample drew one state for all 27 tokens\nAssert.That((samples != samples[0, 0]).any().item<bool>(), Is.True)\n  Expected: True\n  But was:  False\n",
        "MarkovSampler.Sample drew one state for all 27 tokens: (samples != samples[0, 0]).any().item<bool>() is False, expected True")]
    [TestCase("  requires_grad of the losses\nAssert.That(losses.requires_grad,\n    Is.False)\n  Expected: False\n  But was:  True\n",
        "requires_grad of the losses: losses.requires_grad is True, expected False")]
    [TestCase("  ids lie in [0, V)\nAssert.That(samples.min().item<long>() >= 0)\n  Expected: True\n  But was:  False\n",
        "ids lie in [0, V): samples.min().item<long>() >= 0 is False, expected True")]
    [TestCase("  the logits changed\nAssert.That(, )\n  Expected: True\n  But was:  False\n", "the logits changed: the check is False, expected True")]
    [TestCase("  the logits changed\nAssert.That(changed, Is.EqualTo(true))\n  Expected: True\n  But was:  False\n", "the logits changed: the check is False, expected True")]
    public void Given_a_boolean_check_Then_the_first_line_names_what_was_checked_not_a_bare_got_False(string nunit, string firstLine) =>
        Assert.That(AssertionMessage.Readable(Result(nunit)).Message.Split('\n')[0], Is.EqualTo(firstLine));

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
