using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw1.LmBasics.Tests;

public sealed class SequenceLikelihoodTests : TorchTest
{
    static double[] Transitions => [0.9, 0.1, /**/ 0.4, 0.6];
    static double[] Start => [0.25, 0.75];

    [Test, Points(3)]
    public void LogLikelihood_OfAHandCheckedSequence_IsLogStartPlusTheLogTransitions()
    {
        var M = tensor(Transitions, [2, 2]).to(Device);
        var start = tensor(Start).to(Device);
        var tokens = tensor(new long[] { 1, 1, 0, 0, 0 }).to(Device);
        // start[1] M[1,1] M[1,0] M[0,0] M[0,0] = 0.75 * 0.6 * 0.4 * 0.9 * 0.9 (with M[0,1] = 0.1 in place of M[1,0], the transpose's answer)
        double expected = Math.Log(0.75) + Math.Log(0.6) + Math.Log(0.4) + Math.Log(0.9) + Math.Log(0.9);

        double actual = SequenceLikelihood.LogLikelihood(tokens, M, start);

        Assert.That(actual, Is.EqualTo(expected).Within(1e-12),
            $"LogLikelihood([1 1 0 0 0]) = ln(0.75 * 0.6 * 0.4 * 0.9 * 0.9) = {expected:F6} (natural log; the first token " +
            "uses start, then M[previous, next]; M[next, previous] gives a different value on this non-symmetric M)");
        TensorAssert.Close(M, tensor(Transitions, [2, 2]).to(Device), Tolerance.Exact,
            "M after LogLikelihood(tokens, M, start): it must be left unchanged (take logarithms out of place, log() not log_(): to_type(Float64) of a float64 M is M itself)");
    }

    [Test, Points(2)]
    public void Perplexity_IsExpOfMinusTheLogLikelihoodPerToken_AndVForTheUniformModel_OfAnyLength()
    {
        var M = tensor(Transitions, [2, 2]).to(Device);
        var start = tensor(Start).to(Device);
        var tokens = tensor(new long[] { 1, 1, 0, 0, 0 }).to(Device);
        double expected = Math.Exp(-(Math.Log(0.75) + Math.Log(0.6) + Math.Log(0.4) + Math.Log(0.9) + Math.Log(0.9)) / 5);

        Assert.That(SequenceLikelihood.Perplexity(tokens, M, start), Is.EqualTo(expected).Within(1e-10),
            "Perplexity([1 1 0 0 0]) = exp(-log P / n) with n = 5 tokens (not n - 1: the first token is predicted too)");

        using var seeded = new Seeded(41);
        var uniform = full(7, 7, 1 / 7.0, ScalarType.Float64, Device);
        // 1000 tokens: P = 7^-1000 is far below the smallest double, so only sums of logarithms get there.
        var randomTokens = seeded.Randint(0, 7, [1000]);
        var uniformStart = full(7, 1 / 7.0, ScalarType.Float64, Device);
        Assert.That(SequenceLikelihood.LogLikelihood(randomTokens, uniform, uniformStart), Is.EqualTo(-1000 * Math.Log(7)).Within(1e-9),
            "LogLikelihood of 1000 tokens under the uniform model over 7 tokens is -1000 ln 7: sum the logarithms (a product of 1000 probabilities of 1/7 underflows to 0)");
        Assert.That(SequenceLikelihood.Perplexity(randomTokens, uniform, uniformStart),
            Is.EqualTo(7.0).Within(1e-9), "the perplexity of any sequence under the uniform model over 7 tokens is 7, even of 1000 tokens (exp(-LogLikelihood / n), not P^(-1/n))");
    }
}
