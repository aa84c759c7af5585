using TorchSharp;
using static TorchSharp.torch;

namespace Hw1.LmBasics;

/// <summary>
/// How well a bigram model predicts a token sequence x_0 .. x_{n-1}: Jurafsky and Martin, "Speech and Language
/// Processing" (3rd ed. draft), section 3.3. Natural logarithms throughout.
/// <c>log P(x) = log start[x_0] + sum_{t=1}^{n-1} log M[x_{t-1}, x_t]</c>, and
/// <c>perplexity = exp(-log P(x) / n)</c>: every one of the n tokens is predicted, the first by the start distribution.
/// </summary>
public static class SequenceLikelihood
{
    /// <summary>
    /// <c>log P(tokens)</c> under the start distribution <c>start [V]</c> and the transition matrix <c>M [V, V]</c>
    /// (float64, on one device). <c>tokens [n]</c> int64, n &gt;= 1. A transition of probability 0 gives -infinity.
    /// </summary>
    public static double LogLikelihood(Tensor tokens, Tensor M, Tensor start)
    {
        throw new NotImplementedException("SequenceLikelihood.LogLikelihood: log start[tokens[0]] plus the sum of log M[tokens[t - 1], tokens[t]], gathered with index tensors, in float64");
    }

    /// <summary><c>exp(-LogLikelihood / n)</c> for <c>tokens [n]</c>: V for the uniform model, 1 for a certain one.</summary>
    public static double Perplexity(Tensor tokens, Tensor M, Tensor start)
    {
        throw new NotImplementedException("SequenceLikelihood.Perplexity: exp of minus the log-likelihood divided by the number of tokens n (not n - 1)");
    }
}
