using Course.Lens;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment;

/// <summary>
/// Best-of-n sampling against a reward model (Stiennon et al. 2020; Nakano et al. 2021): draw n completions from the base
/// model and keep the one the reward model scores highest. It needs no training, and its KL from the base model is known
/// in closed form when rewards do not tie: <c>log n − (n − 1)/n</c> (Stiennon et al. 2020, appendix; Beirami et al.
/// 2024 show it is an upper bound when they can tie).
/// </summary>
public static class BestOfN
{
    /// <summary><c>rewards [prompts, n]</c> → <c>[prompts]</c> int64: the index of each row's highest reward.</summary>
    public static Tensor Choose(Tensor rewards)
    {
        // BEGIN SOLUTION: argmax over the last axis
        return rewards.argmax(-1); // [prompts]
        // END SOLUTION
    }

    /// <summary><c>KL(best-of-n ‖ base) = log n − (n − 1)/n</c> nats, for n ≥ 1 and rewards without ties.</summary>
    public static double AnalyticKl(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        // BEGIN SOLUTION: log n - (n - 1) / n, in floating point
        return Math.Log(n) - (n - 1.0) / n;
        // END SOLUTION
    }

    /// <summary>
    /// A Monte Carlo estimate of <c>KL(best-of-n ‖ base)</c> from the rewards of winners. Without ties, best-of-n
    /// reweights the base distribution by <c>n F(r)^(n−1)</c>, where F is the base distribution's reward CDF, so the KL
    /// is <c>E_winner[log n + (n − 1) log F(r)]</c>. Estimate F by the empirical CDF of <paramref name="baseRewards"/>
    /// (<c>[m]</c>, rewards of independent base samples: <c>F̂(r)</c> = the fraction of them ≤ r, at least 1/m) and the
    /// expectation by the mean over <paramref name="winnerRewards"/> (<c>[k]</c>, the rewards of k best-of-n winners).
    /// </summary>
    public static double EmpiricalKl(Tensor baseRewards, Tensor winnerRewards, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        // BEGIN SOLUTION: sort the base rewards; F̂(r) = searchsorted(sorted, r, right) / m, clamped to at least 1/m; the mean of log n + (n - 1) log F̂ over the winners (float64)
        var sorted = baseRewards.to(ScalarType.Float64).flatten().sort().Values; // [m]
        double m = sorted.shape[0];
        var below = searchsorted(sorted, winnerRewards.to(ScalarType.Float64).flatten(), right: true); // [k]
        var cdf = (below.to(ScalarType.Float64) / m).clamp_min(1 / m); // [k]
        return (Math.Log(n) + (n - 1) * cdf.log()).mean().ToDouble();
        // END SOLUTION
    }

    /// <summary>
    /// <paramref name="count"/> best-of-<paramref name="n"/> completions of <paramref name="prompt"/>: for each, n
    /// completions from <paramref name="model"/> (drawn with <see cref="Sampler.Complete"/> and <paramref name="generator"/>),
    /// scored by <paramref name="rewardModel"/> on the prompt and completion, and the highest kept.
    /// </summary>
    public static IReadOnlyList<string> Sample(HookedTransformer model, RewardModel rewardModel, CharVocabulary vocabulary, string prompt, int n, int count, Generator generator)
    {
        // BEGIN SOLUTION: draw count * n completions at once, score them as a SequenceBatch (under no_grad, on the model's device), view the rewards as [count, n], Choose, and keep completion row * n + choice of each row
        var completions = Sampler.Complete(model, vocabulary, prompt, count * n, generator);
        var batch = SequenceBatch.Of(prompt, completions, vocabulary).To(model.W_E.device);
        using var _ = no_grad();
        var choice = Choose(rewardModel.call(batch.Tokens, batch.Lengths).view(count, n)).cpu().data<long>().ToArray(); // [count]
        return Enumerable.Range(0, count).Select(row => completions[row * n + (int)choice[row]]).ToList();
        // END SOLUTION
    }
}
