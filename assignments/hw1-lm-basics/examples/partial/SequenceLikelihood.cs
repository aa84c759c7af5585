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
        long n = tokens.shape[0], V = M.shape[1];
        var first = start.to_type(ScalarType.Float64)[tokens[0]].log(); // []
        if (n == 1) return first.item<double>();
        var current = tokens.narrow(0, 0, n - 1); // [n - 1]
        var next = tokens.narrow(0, 1, n - 1); // [n - 1]
        var transitions = M.to_type(ScalarType.Float64).flatten().index_select(0, current * V + next); // [n - 1]
        return (first + transitions.log().sum()).item<double>();
    }

    /// <summary><c>exp(-LogLikelihood / n)</c> for <c>tokens [n]</c>: V for the uniform model, 1 for a certain one.</summary>
    public static double Perplexity(Tensor tokens, Tensor M, Tensor start)
    {
        return Math.Exp(-LogLikelihood(tokens, M, start) / (tokens.shape[0] - 1));
    }
}
