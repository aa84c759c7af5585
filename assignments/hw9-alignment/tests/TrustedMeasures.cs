using Course.Lens;
using Course.Lens.Agreement;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment.HiddenTests;

/// <summary>
/// What the training checks measure, computed by the tests themselves from the trained weights and the given code
/// (<see cref="Preference"/>, <see cref="Sampler"/>), never by the submission's own evaluation: a submission decides
/// only what its training leaves in the weights. Each measure reads a fresh copy of the tiny GPT where the frozen model
/// is meant, so a submission that trains the model it should leave alone gains nothing.
/// </summary>
static class TrustedMeasures
{
    /// <summary>The fraction of pairs whose chosen completion gets the higher reward from <paramref name="head"/> on a fresh tiny GPT's last residual stream.</summary>
    public static double PairAccuracy(TorchSharp.Modules.Linear head, SequenceBatch chosen, SequenceBatch rejected, Device device)
    {
        using var _ = no_grad();
        var fresh = TinyGpt.Load(device).Model;
        var (weight, bias) = (head.weight!.detach(), head.bias!.detach());
        var (c, r) = (Rewards(fresh, weight, bias, chosen.To(device)), Rewards(fresh, weight, bias, rejected.To(device)));
        return (c > r).to(ScalarType.Float64).mean().ToDouble();
    }

    /// <summary>
    /// The reward of each row of <paramref name="batch"/> (<c>[batch]</c>, float64, on the CPU): a head of
    /// <paramref name="weight"/> <c>[1, d_model]</c> and <paramref name="bias"/> <c>[1]</c> on a fresh tiny GPT's
    /// <c>ln_final.hook_normalized</c> at each row's last token, as the handout defines the reward model; never the
    /// submission's forward.
    /// </summary>
    public static Tensor Rewards(Tensor weight, Tensor bias, SequenceBatch batch, Device device)
    {
        using var _ = no_grad();
        return Rewards(TinyGpt.Load(device).Model, weight.to(device), bias.to(device), batch.To(device)).to(ScalarType.Float64).cpu();
    }

    static Tensor Rewards(HookedTransformer model, Tensor weight, Tensor bias, SequenceBatch batch)
    {
        Tensor? normalized = null;
        using (model.Hook("ln_final.hook_normalized").AddHook((a, _) => { normalized = a; return null; }))
            model.call(batch.Tokens);
        var rows = arange(batch.Count, device: batch.Tokens.device);
        var last = normalized![TensorIndex.Tensor(rows), TensorIndex.Tensor(batch.Lengths - 1)]; // [batch, d_model]
        return last.matmul(weight.t()).squeeze(-1) + bias; // [batch]
    }

    /// <summary>
    /// A fresh tiny GPT that holds <paramref name="actual"/>'s parameters (copied, detached), after the two are checked to
    /// have the same parameters of the same shapes: a check of the model homework code trained, so it takes it as the
    /// <c>actual</c> (see TensorHandOff). Measures run on the copy, so only what training left in the weights counts: no
    /// hook, cache or other object that homework code left on the model it was given runs inside a measure.
    /// </summary>
    public static HookedTransformer WeightsOf(HookedTransformer actual, Device device)
    {
        var fresh = TinyGpt.Load(device).Model;
        var trained = actual.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var expected = fresh.named_parameters().ToList();
        string Names(IEnumerable<string> names) => string.Join(", ", names.Order());
        Assert.That(Names(trained.Keys), Is.EqualTo(Names(expected.Select(p => p.name))),
            "the trained model's parameters are the tiny GPT's, under the same names (training changes their values, and adds or removes none)");
        using var _ = no_grad();
        foreach (var (name, parameter) in expected)
        {
            var value = trained[name];
            Assert.That(value.shape, Is.EqualTo(parameter.shape), $"the trained model's {name} has the tiny GPT's shape");
            parameter.copy_(value.detach().to(parameter.dtype).to(device));
        }
        return fresh;
    }

    /// <summary>
    /// <c>log π(completion | prompt)</c> of each of <paramref name="completions"/> under a fresh tiny GPT (float64): the sum
    /// over the completion's tokens of the log-probability of each, from the logits one position before.
    /// </summary>
    public static double[] CompletionLogProbs(string prompt, IEnumerable<string> completions, CharVocabulary vocabulary, Device device)
    {
        using var _ = no_grad();
        var model = TinyGpt.Load(device).Model;
        return [.. completions.Select(completion =>
        {
            var tokens = vocabulary.ToTokens(prompt + completion).to(device); // [1, pos]
            var logProbs = model.call(tokens).to(ScalarType.Float64).log_softmax(-1)[0, ..^1]; // [pos - 1, d_vocab]
            var picked = logProbs.gather(-1, tokens[0, 1..].unsqueeze(-1)).squeeze(-1); // [pos - 1]: token t + 1 from position t
            return picked[(prompt.Length - 1)..].sum().ToDouble();
        })];
    }

    /// <summary>The fraction of <paramref name="completions"/> of <paramref name="prompt"/> the given <see cref="Preference"/> prefers.</summary>
    public static double PreferenceRate(string prompt, IReadOnlyList<string> completions) =>
        completions.Count(c => Preference.IsPreferred(prompt + c)) / (double)completions.Count;

    /// <summary>
    /// The mean over completion tokens of KL(<paramref name="actual"/> ‖ a fresh tiny GPT) at each token's predicting position:
    /// a check of the policy homework code trained, so it takes it as the <c>actual</c> (see TensorHandOff).
    /// </summary>
    public static double TokenKl(HookedTransformer actual, SequenceBatch samples, Device device)
    {
        using var _ = no_grad();
        var batch = samples.To(device);
        var logP = actual.call(batch.Tokens).log_softmax(-1)[.., ..^1]; // [batch, pos - 1, d_vocab]
        var logQ = TinyGpt.Load(device).Model.call(batch.Tokens).log_softmax(-1)[.., ..^1];
        var perPosition = (logP.exp() * (logP - logQ)).sum(-1); // [batch, pos - 1]
        var mask = batch.CompletionMask[.., 1..];
        return (perPosition * mask).sum().ToDouble() / mask.sum().ToDouble();
    }

    /// <summary>The fraction of <paramref name="prompts"/> at which <paramref name="actual"/> ranks the right next character ("s" or " ") above the other:
    /// a check of a model, homework code's or not, so it takes it as the <c>actual</c> (see TensorHandOff).</summary>
    public static double AgreementAccuracy(HookedTransformer actual, CharVocabulary vocabulary, AgreementBatch prompts, Device device)
    {
        using var _ = no_grad();
        var logits = actual.call(prompts.Tokens.to(device)).cpu(); // [batch, pos, d_vocab]
        var positions = prompts.VerbPosition.data<long>().ToArray();
        var plural = prompts.PluralSubject.data<bool>().ToArray();
        int right = 0;
        for (int row = 0; row < positions.Length; row++)
        {
            double s = logits[row, positions[row], vocabulary.Id('s')].ToDouble(), space = logits[row, positions[row], vocabulary.Id(' ')].ToDouble();
            if (plural[row] ? space > s : s > space) right++;
        }
        return right / (double)positions.Length;
    }
}
