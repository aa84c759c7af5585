using Course.Lens;
using Course.Lens.Agreement;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment.HiddenTests;

public sealed class HiddenEvaluationTests : TorchTest
{
    // Enough to put "e" on top at every verb (on these prompts the checkpoint's top character leads it by 12 at most),
    // and small enough that the two endings' probabilities stay normal float32 numbers (above 1e-38 ≈ e^-87), so a
    // comparison of softmax probabilities, as right as one of logits, is not made a tie.
    const double Raise = 40;

    // 1 point, taken from the public AgreementAccuracy_OfTheTinyGpt_IsOne (2 → 1).
    // The public tests' models always put "s" or " " on top at the verb, so a count of prompts whose top character over the
    // whole vocabulary is the agreeing one passes them. Here a third character leads at every prompt while "s" and " " keep
    // the checkpoint's order: a two-way comparison gives the checkpoint's accuracy, the argmax over the vocabulary 0.
    [Test, Points(1)]
    public void AgreementAccuracy_ComparesOnlyTheTwoEndings_WhenAThirdCharacterHasTheTopLogit()
    {
        var sampled = AgreementPrompts.Sample(100, 954, Clause.None);
        var (checkpoint, vocabulary, _) = TinyGpt.Load(Device);
        var (s, space, e) = (vocabulary.Id('s'), vocabulary.Id(' '), vocabulary.Id('e'));
        Assert.That(new[] { s, space, e }.Distinct().Count(), Is.EqualTo(3), "the tiny GPT's vocabulary holds \"s\", \" \" and \"e\"");
        // The expected accuracy, from the unchanged checkpoint's logits at each verb (the two endings' order is all it reads).
        double expected;
        using (no_grad())
        {
            var batch = AgreementBatch.Of(sampled, vocabulary);
            var logits = checkpoint.call(batch.Tokens.to(Device)).cpu(); // [batch, pos, d_vocab]
            var verbs = batch.VerbPosition.cpu().data<long>().ToArray();
            expected = sampled.Select((prompt, row) =>
            {
                bool singularAhead = logits[row, verbs[row], s].ToDouble() > logits[row, verbs[row], space].ToDouble();
                return singularAhead != prompt.PluralSubject ? 1.0 : 0.0;
            }).Average();
            // The raise puts "e" on top at every verb: above every other character's logit there, with room to spare.
            var atVerbs = stack(verbs.Select((verb, row) => logits[row, verb]).ToArray()); // [batch, d_vocab]
            double lead = (atVerbs.max(-1).values - atVerbs[.., e]).max().ToDouble();
            Assert.That(lead + 1, Is.Not.NaN.And.LessThan(Raise), $"the most any character's logit leads \"e\"'s at a verb of the tiny GPT ({lead:F1}), against the raise");
        }
        var (model, _, _) = TinyGpt.Load(Device);
        using (no_grad()) model.b_U[e] += Raise;

        double actual = Evaluation.AgreementAccuracy(model, vocabulary, AgreementBatch.Of(sampled, vocabulary));

        // A fraction, which a float32 mean gives to about 1e-7: within 1e-6, far below one prompt more or less (1e-2).
        Assert.That(actual, Is.EqualTo(expected).Within(1e-6),
            $"Evaluation.AgreementAccuracy on 100 prompts of the tiny GPT with the logit of \"e\" raised by {Raise} (so \"e\" is its top character at every verb): " +
            $"{expected:P0}, the checkpoint's own accuracy, since the order of logit(\"s\") and logit(\" \") is unchanged; compare those two logits only, " +
            "not the agreeing character with the argmax (or every other character) over the whole vocabulary");
    }
}
