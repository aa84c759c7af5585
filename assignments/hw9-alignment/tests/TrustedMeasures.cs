using Course.Lens;
using Course.Lens.Agreement;
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
        var (c, r) = (Rewards(fresh, head, chosen.To(device)), Rewards(fresh, head, rejected.To(device)));
        return (c > r).to(ScalarType.Float64).mean().ToDouble();
    }

    static Tensor Rewards(HookedTransformer model, TorchSharp.Modules.Linear head, SequenceBatch batch)
    {
        Tensor? normalized = null;
        using (model.Hook("ln_final.hook_normalized").AddHook((a, _) => { normalized = a; return null; }))
            model.call(batch.Tokens);
        var rows = arange(batch.Count, device: batch.Tokens.device);
        var last = normalized![TensorIndex.Tensor(rows), TensorIndex.Tensor(batch.Lengths - 1)]; // [batch, d_model]
        return last.matmul(head.weight!.detach().t()).squeeze(-1) + head.bias!.detach(); // [batch]
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
