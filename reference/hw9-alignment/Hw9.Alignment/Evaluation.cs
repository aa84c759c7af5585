using Course.Lens;
using Course.Lens.Agreement;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment;

/// <summary>
/// What fine-tuning bought and what it cost: how often samples satisfy the preference, how far the policy moved from
/// the reference per token, and whether it still makes verbs agree with their subjects (the alignment tax).
/// </summary>
public static class Evaluation
{
    /// <summary>The fraction of <paramref name="completions"/> of <paramref name="prompt"/> that <see cref="Preference.IsPreferred"/> (prompt and completion together).</summary>
    public static double PreferenceRate(string prompt, IReadOnlyList<string> completions)
    {
        // BEGIN SOLUTION: count the completions whose prompt + completion is preferred, divided by how many there are
        return completions.Count(c => Preference.IsPreferred(prompt + c)) / (double)completions.Count;
        // END SOLUTION
    }

    /// <summary>
    /// The mean per-token KL divergence <c>KL(π_θ(·|x, y_&lt;t) ‖ π_ref(·|x, y_&lt;t))</c> over every completion token of
    /// <paramref name="samples"/> (each row's token t, masked by <c>CompletionMask</c>, is predicted from the logits at
    /// t − 1), in nats: a mean over tokens, not over rows.
    /// </summary>
    public static double TokenKl(HookedTransformer policy, HookedTransformer reference, SequenceBatch samples)
    {
        // BEGIN SOLUTION: under no_grad, log_softmax of both models' logits at positions 0..pos-2; KL = Σ_v p (log p - log q) at each position; the mean over the positions where CompletionMask[:, 1:] is true
        using var _ = no_grad();
        var batch = samples.To(policy.W_E.device);
        var logP = policy.call(batch.Tokens)[.., ..^1].log_softmax(-1); // [batch, pos - 1, d_vocab]
        var logQ = reference.call(batch.Tokens)[.., ..^1].log_softmax(-1); // [batch, pos - 1, d_vocab]
        var kl = (logP.exp() * (logP - logQ)).sum(-1); // [batch, pos - 1]
        return kl.masked_select(batch.CompletionMask[.., 1..]).mean().ToDouble();
        // END SOLUTION
    }

    /// <summary>
    /// The fraction of <paramref name="prompts"/> (each cut after its main verb's stem) at which <paramref name="model"/>
    /// gives the correct next character (<c>"s"</c> for a singular subject, <c>" "</c> for a plural one) a higher logit
    /// than the other one: singular is right when <c>logit("s") &gt; logit(" ")</c>, plural otherwise (an exact tie, which
    /// real logits do not give, counts as plural).
    /// </summary>
    public static double AgreementAccuracy(HookedTransformer model, CharVocabulary vocabulary, AgreementBatch prompts)
    {
        // BEGIN SOLUTION: under no_grad, the logits at each prompt's VerbPosition; singular is right when logit("s") > logit(" "), plural otherwise; the mean of right
        using var _ = no_grad();
        var device = model.W_E.device;
        var logits = model.call(prompts.Tokens.to(device)); // [batch, pos, d_vocab]
        var atVerb = logits[arange(prompts.Tokens.shape[0], device: device), prompts.VerbPosition.to(device)]; // [batch, d_vocab]
        var singularAhead = atVerb[.., vocabulary.Id('s')] > atVerb[.., vocabulary.Id(' ')]; // [batch]
        return (singularAhead != prompts.PluralSubject.to(device)).to(ScalarType.Float64).mean().ToDouble();
        // END SOLUTION
    }
}
