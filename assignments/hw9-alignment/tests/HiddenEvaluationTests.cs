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

    // 1 point, taken from the public AgreementAccuracy_OfAModelThatAlwaysSaysS_IsTheFractionOfSingularSubjects (2 → 1).
    // Every other test runs on the tiny GPT and its vocabulary, where "s" is id 19 and " " id 1. Here the tiny GPT with its
    // characters in another order (its embedding rows and unembedding columns permuted to match): the same model on another
    // vocabulary, so ids written in as the tiny GPT's read two other characters' logits.
    [Test, Points(1)]
    public void AgreementAccuracy_OfTheTinyGptWithItsCharactersShuffled_ComparesTheIdsOfSAndSpaceInTheVocabularyGiven()
    {
        using var seeded = new Seeded(955);
        var (model, tiny, _) = TinyGpt.Load(Device);
        // oldIds[newId]: the tiny GPT's id of the character the shuffled vocabulary puts at newId (the unknown character stays at 0).
        var shuffled = seeded.RandnCpu([tiny.Size - 1]).argsort().data<long>().Select(i => i + 1);
        long[] oldIds = [0, .. shuffled];
        var vocabulary = new CharVocabulary(tiny.Decode(oldIds));
        var (s, space) = (vocabulary.Id('s'), vocabulary.Id(' '));
        Assert.That(s != tiny.Id('s') && space != tiny.Id(' ') && s != space, Is.True,
            $"the shuffled vocabulary moves \"s\" and \" \" off the tiny GPT's ids ({tiny.Id('s')} and {tiny.Id(' ')}): here {s} and {space}");
        using (no_grad())
        {
            var index = tensor(oldIds).to(Device);
            model.W_E.copy_(model.W_E.index_select(0, index)); // [d_vocab, d_model]: row newId is the old row oldIds[newId]
            model.W_U.copy_(model.W_U.index_select(1, index)); // [d_model, d_vocab]
            model.b_U.copy_(model.b_U.index_select(0, index)); // [d_vocab]
        }
        var sampled = AgreementPrompts.Sample(100, 955, Clause.None);
        // The expected accuracy, from the model's logits at each verb, read before homework code has the model.
        double expected;
        using (no_grad())
        {
            var batch = AgreementBatch.Of(sampled, vocabulary);
            var logits = model.call(batch.Tokens.to(Device)).cpu(); // [batch, pos, d_vocab]
            var verbs = batch.VerbPosition.cpu().data<long>().ToArray();
            var atVerbs = stack(verbs.Select((verb, row) => logits[row, verb]).ToArray()); // [batch, d_vocab]
            var (logitS, logitSpace) = (atVerbs[.., s].data<float>().ToArray(), atVerbs[.., space].data<float>().ToArray());
            expected = sampled.Select((prompt, row) => (logitS[row] > logitSpace[row]) != prompt.PluralSubject ? 1.0 : 0.0).Average();
            // No prompt is a near tie, so a comparison of probabilities or log-probabilities, as right as one of logits, gives the same count.
            double scale = Math.Sqrt(atVerbs.pow(2).mean().ToDouble());
            double closest = logitS.Zip(logitSpace, (a, b) => Math.Abs((double)a - b)).Min();
            Assert.That(closest, Is.GreaterThan(Tolerance.For(ScalarType.Float32, Device.type).Allowed(0, scale)),
                $"the closest logit(\"s\") and logit(\" \") at a verb ({closest:G3}), against the rounding of logits of scale {scale:G3}");
        }

        double actual = Evaluation.AgreementAccuracy(model, vocabulary, AgreementBatch.Of(sampled, vocabulary));

        // A fraction, which a float32 mean gives to about 1e-7: within 1e-6, far below one prompt more or less (1e-2).
        Assert.That(actual, Is.EqualTo(expected).Within(1e-6),
            $"Evaluation.AgreementAccuracy on 100 prompts of the tiny GPT with its characters shuffled, so that \"s\" is id {s} and \" \" id {space}: " +
            $"{expected:P0}, from logit(vocabulary.Id('s')) > logit(vocabulary.Id(' ')) at each VerbPosition; look the two ids up in the vocabulary you are given, " +
            $"not the tiny GPT's {tiny.Id('s')} and {tiny.Id(' ')}");
    }
}
