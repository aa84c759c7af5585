using Course.Lens;
using Course.Lens.Agreement;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment.Tests;

public sealed class EvaluationTests : TorchTest
{
    [Test, Points(3)]
    public void PreferenceRate_IsTheFractionOfPreferredSentences_CountingEverySample()
    {
        string[] completions = ["birds sing .", "bird sees a cat .", "birds that a cat sees sleep .", "birds sing", "cat that likes the birds runs ."];
        string[] repeated = ["birds sing .", "birds sing .", "birds sing .", "cat runs ."];

        Assert.That(Evaluation.PreferenceRate(". the ", completions), Is.EqualTo(0.4).Within(1e-12),
            "Evaluation.PreferenceRate(\". the \", 5 completions): \"birds sing .\" and \"birds that a cat sees sleep .\" are preferred " +
            "(judge the prompt and the completion together, with Preference.IsPreferred)");
        Assert.That(Evaluation.PreferenceRate(". the ", repeated), Is.EqualTo(0.75).Within(1e-12),
            "Evaluation.PreferenceRate(\". the \", [\"birds sing .\" three times, \"cat runs .\"]): a model's samples repeat, and each counts, so 3 of 4");
        // A prompt that carries the subject: the verdicts depend on it, so the sentence judged must be this prompt + completion.
        string[] afterBirds = ["sleep .", "see a cat .", "that a cat sees wait .", "sleep"];
        Assert.That(Evaluation.PreferenceRate(". the birds ", afterBirds), Is.EqualTo(0.5).Within(1e-12),
            "Evaluation.PreferenceRate(\". the birds \", [\"sleep .\", \"see a cat .\", \"that a cat sees wait .\", \"sleep\"]): \". the birds sleep .\" and " +
            "\". the birds that a cat sees wait .\" are preferred, so 2 of 4; judge the prompt you are given + each completion, not a fixed prompt such as \". the \"");
    }

    static (HookedTransformer Policy, HookedTransformer Reference, SequenceBatch Samples) ShiftedPolicy(Device device)
    {
        var (reference, vocabulary, _) = TinyGpt.Load(device);
        var policy = TinyGpt.Load(device).Model;
        using var seeded = new Seeded(951);
        using (no_grad()) policy.b_U.add_(seeded.Randn([vocabulary.Size]) * 2);
        var samples = SequenceBatch.Of([(". the ", "birds sing ."), (". a ", "cat that sees the dogs runs ."), (". many ", "foxes wait .")], vocabulary).To(device);
        return (policy, reference, samples);
    }

    [Test, Points(2)]
    public void TokenKl_IsZeroForTheReferenceItself()
    {
        var (policy, reference, samples) = ShiftedPolicy(Device);

        Assert.That(Evaluation.TokenKl(reference, reference, samples), Is.EqualTo(0).Within(1e-6), "Evaluation.TokenKl(reference, reference, samples)");
        // A policy whose unembedding bias is shifted is apart from the reference: its KL is above 0 (a KL that is 0 whatever the models gets no point).
        double shifted = Evaluation.TokenKl(policy, reference, samples);
        Assert.That(shifted, Is.Not.NaN.And.GreaterThan(1e-3),
            "Evaluation.TokenKl(a policy with b_U shifted by 2 randn, reference, samples): KL(π ‖ π_ref) of two different models is above 0");
    }

    [Test, Points(3)]
    public void TokenKl_IsTheMeanOverCompletionTokensOfKlFromPolicyToReference()
    {
        var (policy, reference, samples) = ShiftedPolicy(Device);
        using var _ = no_grad();
        var logP = policy.call(samples.Tokens).log_softmax(-1).to(ScalarType.Float64).cpu(); // [batch, pos, d_vocab]
        var logQ = reference.call(samples.Tokens).log_softmax(-1).to(ScalarType.Float64).cpu();
        var mask = samples.CompletionMask.cpu().data<bool>().ToArray();
        long width = samples.Tokens.shape[1];
        double sum = 0;
        int count = 0;
        for (int b = 0; b < 3; b++)
            for (int t = 1; t < width; t++)
                if (mask[b * width + t])
                {
                    sum += (logP[b, t - 1].exp() * (logP[b, t - 1] - logQ[b, t - 1])).sum().ToDouble();
                    count++;
                }
        double expected = sum / count;

        double actual = Evaluation.TokenKl(policy, reference, samples);

        Assert.That(actual, Is.EqualTo(expected).Within(Tolerance.For(ScalarType.Float32, Device.type).Allowed(expected, expected)),
            $"Evaluation.TokenKl on 3 completions of 12, 29 and 12 tokens: KL(π ‖ π_ref) = Σ_v π log(π / π_ref) at each completion token's predicting position, " +
            $"averaged over the {count} tokens (not per row, not over the prompt or padding)");
    }

    [Test, Points(1)]
    public void AgreementAccuracy_OfTheTinyGpt_IsOne()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var prompts = AgreementBatch.Of(AgreementPrompts.Sample(100, 952, Clause.SubjectRelative), vocabulary);

        // A fraction, which a float32 mean gives to about 1e-7: within 1e-6, far below one pair or prompt more or less (1e-2 and up).
        Assert.That(Evaluation.AgreementAccuracy(model, vocabulary, prompts), Is.EqualTo(1).Within(1e-6),
            "Evaluation.AgreementAccuracy of the tiny GPT on 100 subject-relative prompts (its checkpoint gets every one right: compare the logits of \"s\" and \" \" at VerbPosition)");

        // The same prompts with the logit of "s" raised by 100: right exactly on those with a singular subject (an accuracy of 1 whatever the model gets no point).
        var sampled = AgreementPrompts.Sample(100, 952, Clause.SubjectRelative);
        double singular = sampled.Count(p => !p.PluralSubject) / 100.0;
        var (saysS, _, _) = TinyGpt.Load(Device);
        using (no_grad()) saysS.b_U[vocabulary.Id('s')] += 100;
        Assert.That(Evaluation.AgreementAccuracy(saysS, vocabulary, AgreementBatch.Of(sampled, vocabulary)), Is.EqualTo(singular).Within(1e-6),
            $"Evaluation.AgreementAccuracy on the same prompts of a model whose logit for \"s\" is raised by 100: right exactly on the {singular:P0} with a singular subject");
    }

    [Test, Points(1)]
    public void AgreementAccuracy_OfAModelThatAlwaysSaysS_IsTheFractionOfSingularSubjects()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        using (no_grad()) model.b_U[vocabulary.Id('s')] += 100;
        var sampled = AgreementPrompts.Sample(100, 953, Clause.None);
        double singular = sampled.Count(p => !p.PluralSubject) / 100.0;

        // A fraction, which a float32 mean gives to about 1e-7: within 1e-6, far below one pair or prompt more or less (1e-2 and up).
        Assert.That(Evaluation.AgreementAccuracy(model, vocabulary, AgreementBatch.Of(sampled, vocabulary)), Is.EqualTo(singular).Within(1e-6),
            $"Evaluation.AgreementAccuracy of a model whose logit for \"s\" is raised by 100: right exactly on the {singular:P0} of prompts with a singular subject");
    }
}
