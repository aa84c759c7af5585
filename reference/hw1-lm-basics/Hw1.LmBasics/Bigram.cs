using TorchSharp;
using static TorchSharp.torch;

namespace Hw1.LmBasics;

/// <summary>
/// The bigram (first-order Markov) model of a token sequence, from counts: Jurafsky and Martin, "Speech and
/// Language Processing" (3rd ed. draft), chapter 3, sections 3.1 and 3.5 (add-one and add-k smoothing).
/// <c>M[i, j] = P(next = j | current = i) = (C[i, j] + alpha) / (sum_k C[i, k] + alpha V)</c>.
/// </summary>
public static class Bigram
{
    /// <summary>
    /// Bigram counts of one token sequence: <c>C[i, j]</c> is the number of positions t with
    /// <c>tokens[t] == i</c> and <c>tokens[t + 1] == j</c>. <c>tokens [n]</c> int64 with ids in
    /// <c>[0, vocabSize)</c> → <c>[vocabSize, vocabSize]</c> int64, on the device of <paramref name="tokens"/>.
    /// A sequence of n tokens has n - 1 bigrams, so the counts sum to n - 1 (0 when n &lt; 2).
    /// </summary>
    public static Tensor Counts(Tensor tokens, long vocabSize)
    {
        // BEGIN SOLUTION: pair tokens[t] with tokens[t + 1] (two shifted slices) and count each pair, e.g. bincount of current * V + next
        long n = tokens.shape[0];
        if (n < 2) return zeros([vocabSize, vocabSize], ScalarType.Int64, tokens.device);
        var current = tokens.narrow(0, 0, n - 1); // [n - 1]
        var next = tokens.narrow(0, 1, n - 1); // [n - 1]
        var flat = bincount(current * vocabSize + next, minlength: vocabSize * vocabSize); // [V * V]
        return flat.reshape(vocabSize, vocabSize); // [V, V]
        // END SOLUTION
    }

    /// <summary>
    /// The row-stochastic transition matrix of add-alpha smoothed counts, in float64:
    /// <c>M[i, j] = (C[i, j] + alpha) / (sum_k C[i, k] + alpha V)</c>, so every row sums to 1.
    /// <c>counts [V, V]</c> (any numeric dtype) → <c>[V, V]</c> float64. alpha = 0 gives the maximum-likelihood
    /// estimate, in which a count of 0 gives exactly 0 (no epsilon); a row that is then all zeros (a token never followed
    /// by anything) becomes uniform, 1 / V.
    /// </summary>
    public static Tensor TransitionMatrix(Tensor counts, double alpha)
    {
        if (alpha < 0 || double.IsNaN(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be >= 0");
        // BEGIN SOLUTION: add alpha to the float64 counts and divide each row by its sum; rows that sum to 0 get 1 / V
        long V = counts.shape[1];
        var smoothed = counts.to_type(ScalarType.Float64) + alpha; // [V, V]
        var rowSums = smoothed.sum(1, keepdim: true); // [V, 1]
        return where(rowSums > 0, smoothed / rowSums, full_like(smoothed, 1.0 / V)); // [V, V]
        // END SOLUTION
    }
}
