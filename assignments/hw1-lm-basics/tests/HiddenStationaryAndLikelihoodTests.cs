using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw1.LmBasics.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenStationaryAndLikelihoodTests : TorchTest
{
    [Test, Points(3)]
    public void Stationary_OfACyclicCorpus_IsItsUnigramFrequencies()
    {
        // Count the bigrams of a sequence read as a cycle (the last token followed by the first): every token is
        // then left as often as it is entered, so the row sums equal the column sums, and pi of the maximum-likelihood
        // M is exactly the unigram frequencies. A non-symmetric chain over the text's characters.
        // The ids, counts and M are made here, not with your CharTokenizer and Bigram (they have tests of their own).
        var text = SentenceGrammar.Corpus(300, seed: 13) + " ";
        var symbols = text.Distinct().Order().ToList();
        var ids = text.Select(c => (long)symbols.IndexOf(c)).ToArray();
        long V = symbols.Count;
        var next = ids.Skip(1).Append(ids[0]).ToArray();
        var counts = bincount(tensor(ids) * V + tensor(next), minlength: (int)(V * V)).reshape(V, V).to_type(ScalarType.Float64);
        var M = (counts / counts.sum(1, keepdim: true)).to(Device); // every symbol occurs, so no row is empty
        var unigram = bincount(tensor(ids), minlength: (int)V).to_type(ScalarType.Float64) / ids.Length;

        TensorAssert.Close(StationaryDistribution.Compute(M), unigram.to(Device), new Tolerance(1e-7, 1e-10),
            "pi of the bigram chain of a cyclic text = its character frequencies (a uniform answer means M x = x instead of pi M = pi)");
    }

    [Test, Points(3)]
    public void Stationary_OfASlowlyMixingChain_IsExact()
    {
        // M = 0.999 I + 0.001 R for a random stochastic R: pi is that of R (found here by a direct solve), and the second
        // eigenvalue of M is 0.99922. Power iteration from the uniform vector is still 0.03 off after 1000 steps, 0.001
        // after 5000 and 3e-5 after 10 000: a fixed count of thousands of steps is not enough. Stopped when a step changes
        // pi by less than 1e-13 (26 000 steps, 0.2 s; a few seconds under validate's float noise), it is 1e-10 off; a
        // linear solve is exact. (A slower chain would catch larger fixed counts, at that cost again for every correct
        // power iteration in validate's corpus.)
        using var seeded = new Seeded(202);
        var R = seeded.Rand([10, 10], ScalarType.Float64).pow(3);
        R /= R.sum(1, keepdim: true);
        var M = 0.999 * eye(10, dtype: ScalarType.Float64, device: Device) + 0.001 * R;
        var A = R.t() - eye(10, dtype: ScalarType.Float64, device: Device);
        A[9] = ones(10, ScalarType.Float64, Device);
        var b = zeros(10, ScalarType.Float64, Device);
        b[9] = 1.0;
        var expected = linalg.solve(A, b);

        var pi = StationaryDistribution.Compute(M);

        // About twice what the documented |pi M - pi| <= 1e-10 allows here: a pi that sums to 1 is off by e = -(pi M - pi) Z,
        // Z = (I - M + 1 pi)^-1, whose largest column sum of |Z_ij| is 2437 on this chain, so by at most 2.4e-7. Not
        // relative: pi's entries are about 0.1.
        TensorAssert.Close(pi, expected, new Tolerance(0, 5e-7),
            "pi of a chain that mixes slowly (second eigenvalue 0.9992): power iteration needs tens of thousands of steps, " +
            "so iterate until a step changes pi by less than about 1e-13, however many steps that takes (not a fixed count), " +
            "or solve (M^T - I) pi = 0 with sum(pi) = 1 directly");
    }

    [Test, Points(2)]
    public void LogLikelihood_MatchesALoop_OnALongRandomSequence()
    {
        using var seeded = new Seeded(203);
        // M and start are made here (random counts plus 0.3, normalised), not with your Bigram.TransitionMatrix.
        var counts = seeded.Randint(0, 9, [6, 6]).to_type(ScalarType.Float64) + 0.3;
        var M = counts / counts.sum(1, keepdim: true);
        var startCounts = seeded.Randint(0, 9, [6]).to_type(ScalarType.Float64) + 0.3;
        var start = startCounts / startCounts.sum();
        var tokens = seeded.Randint(0, 6, [300]);
        var ids = tokens.cpu().data<long>().ToArray();
        double[] m = M.cpu().data<double>().ToArray(), s = start.cpu().data<double>().ToArray();
        double expected = Math.Log(s[ids[0]]);
        for (int t = 1; t < ids.Length; t++) expected += Math.Log(m[ids[t - 1] * 6 + ids[t]]);

        Assert.That(SequenceLikelihood.LogLikelihood(tokens, M, start), Is.EqualTo(expected).Within(1e-9 * Math.Abs(expected)),
            "LogLikelihood of 300 random tokens vs a loop of log M[x_{t-1}, x_t] plus log start[x_0]");
        Assert.That(SequenceLikelihood.Perplexity(tokens, M, start), Is.EqualTo(Math.Exp(-expected / 300)).Within(1e-9),
            "Perplexity = exp(-LogLikelihood / n)");
    }

    [Test, Points(1)]
    public void LogLikelihood_OfAnImpossibleTransition_IsMinusInfinity_AndOfOneToken_IsLogStart()
    {
        var M = tensor(new double[] { 0, 1, /**/ 1, 0 }, [2, 2]).to(Device);
        var start = tensor(new double[] { 0.2, 0.8 }).to(Device);

        Assert.That(SequenceLikelihood.LogLikelihood(tensor(new long[] { 0, 0 }).to(Device), M, start), Is.EqualTo(double.NegativeInfinity),
            "the transition 0 → 0 has probability 0, so log P = -infinity (no exception, no NaN)");
        Assert.That(SequenceLikelihood.Perplexity(tensor(new long[] { 0, 0 }).to(Device), M, start), Is.EqualTo(double.PositiveInfinity),
            "perplexity of an impossible sequence is +infinity");
        Assert.That(SequenceLikelihood.LogLikelihood(tensor(new long[] { 1 }).to(Device), M, start), Is.EqualTo(Math.Log(0.8)).Within(1e-12),
            "a one-token sequence: log start[x_0] only");
    }
}
