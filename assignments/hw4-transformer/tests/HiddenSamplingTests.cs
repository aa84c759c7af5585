using System.Globalization;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.HiddenTests;

/// <summary>
/// Sampling statistics: N draws from one batch of identical rows, drawn with a seeded CPU generator, against the exact
/// probabilities. Each frequency must lie within 5 standard errors sqrt(p (1 - p) / N) of its probability: a correct
/// implementation fails that for a given token about once in 1.7 million runs, whatever order it draws in. The same draws
/// must also be random and the generator's: repeated with the same seed, compared with another seed's, and neighbour with
/// neighbour, each against its binomial expectation with the same 5-standard-deviation bound.
/// </summary>
[Visibility(Visibility.Hidden)]
public sealed class HiddenSamplingTests : TorchTest
{
    const int N = 20000;
    static double[] LogitsA => [1.0, 0.5, 0.0, -0.5, 2.0, -1.0]; // top 3: ids 4, 0, 1
    static double[] LogitsB => [2.0, -1.0, 1.5, 0.3, -0.2, 1.0]; // top 3: ids 0, 2, 5

    /// <summary>softmax(logits / temperature) over the ids in <paramref name="kept"/> (all when null), 0 elsewhere.</summary>
    static double[] Probabilities(double[] logits, double temperature, int[]? kept = null)
    {
        var weights = logits.Select((l, i) => kept is null || kept.Contains(i) ? Math.Exp(l / temperature) : 0).ToArray();
        double total = weights.Sum();
        return weights.Select(w => w / total).ToArray();
    }

    static Tensor Rows(double[] logits, long count) => tensor(logits.Select(l => (float)l).ToArray()).repeat(count, 1); // [count, d_vocab]

    /// <summary>
    /// softmax over the ids in <paramref name="kept"/> (all when null) of the probabilities softmax(logits / temperature): what
    /// a top-k on the probabilities followed by a second softmax draws from.
    /// </summary>
    static double[] SoftmaxOfProbabilities(double[] logits, double temperature, int[]? kept = null) =>
        Probabilities(Probabilities(logits, temperature), 1.0, kept);

    /// <summary>Checks the token frequencies of <paramref name="tokens"/> [n] (on the CPU) against <paramref name="p"/>.</summary>
    static void AssertFrequencies(Tensor tokens, double[] p, string what)
    {
        if (FrequencyFailure(tokens, p, what) is { } failure) Assert.Fail(failure);
    }

    /// <summary>
    /// As <see cref="AssertFrequencies"/>, but when the frequencies fit softmax applied to the probabilities instead (top-k
    /// on the probabilities, then a softmax to renormalise them), the message says so first.
    /// </summary>
    static void AssertFrequenciesNotSoftmaxedTwice(Tensor tokens, double[] p, double[] softmaxedTwice, string what)
    {
        if (FrequencyFailure(tokens, p, what) is not { } failure) return;
        if (FrequencyFailure(tokens, softmaxedTwice, what) is null)
            Assert.Fail($"{what}: the frequencies fit a softmax of the probabilities softmax(logits / temperature), not of the logits: the softmax is " +
                "applied twice (top-k on the probabilities, then softmax again to renormalise?); apply TopK to the scaled logits and take one softmax\n" + failure);
        Assert.Fail(failure);
    }

    /// <summary>Why the token frequencies of <paramref name="tokens"/> [n] (on the CPU) do not fit <paramref name="p"/>, or null when they do.</summary>
    static string? FrequencyFailure(Tensor tokens, double[] p, string what)
    {
        var ids = tokens.clone().data<long>().ToArray(); // a fresh copy: tokens may be a view
        if (!ids.All(id => id >= 0 && id < p.Length)) return $"{what}: some sampled ids are outside 0..{p.Length - 1}";
        var counts = new double[p.Length];
        foreach (var id in ids) counts[id]++;
        var frequencies = counts.Select(c => c / ids.Length).ToArray();
        string table = string.Join(", ", Enumerable.Range(0, p.Length).Select(j =>
            string.Create(CultureInfo.InvariantCulture, $"{j}: {frequencies[j]:F4} vs {p[j]:F4}")));
        for (int j = 0; j < p.Length; j++)
        {
            if (p[j] == 0)
            {
                if (counts[j] != 0) return $"{what}: token {j} has probability 0 but was drawn {counts[j]} times (frequency vs probability: {table})";
                continue;
            }
            double bound = 5 * Math.Sqrt(p[j] * (1 - p[j]) / ids.Length);
            if (Math.Abs(frequencies[j] - p[j]) > bound)
                return $"{what}: token {j} was drawn with frequency {frequencies[j]:F4}, expected {p[j]:F4} +- {bound:F4} (frequency vs probability: {table})";
        }
        return null;
    }

    /// <summary>
    /// Checks that <paramref name="tokens"/> [n] (on the CPU), drawn by <paramref name="draw"/> with <c>new Generator(seed)</c> from
    /// rows with the probabilities <paramref name="p"/>, are random draws made with that generator: the same seed again gives the
    /// same tokens; another seed gives other tokens in about the share 1 - sum p^2 of rows in which two independent draws
    /// differ; and neighbouring rows of one run draw the same token about as often as independent draws do. Each count must lie
    /// within 5 of its standard deviations of its expected value (a correct sampler fails that about once in 1.7 million runs);
    /// a sampler that ignores the generator, or spreads its draws evenly over the rows, is far outside.
    /// <paramref name="rows"/> picks the rows of one probability vector out of each draw.
    /// </summary>
    static void AssertDrawnAtRandomWithTheGenerator(Func<Generator, Tensor> draw, ulong seed, Tensor tokens, double[] p, Range rows, string what)
    {
        long[] DrawWith(ulong s)
        {
            using var generator = new Generator(s, CPU);
            return draw(generator).clone().data<long>().ToArray()[rows];
        }
        var ids = tokens.clone().data<long>().ToArray()[rows];
        var again = DrawWith(seed);
        var other = DrawWith(seed + 1);
        Assert.That(again, Is.EqualTo(ids), $"{what}: a second call with another new Generator({seed}) gave other tokens: draw with the generator you are given, and only with it");

        double n = ids.Length, same = p.Sum(q => q * q), triple = p.Sum(q => q * q * q);
        // Rows of two independent runs differ with probability 1 - sum p^2, independently: a binomial count.
        double differ = ids.Zip(other).Count(t => t.First != t.Second), expected = n * (1 - same), bound = 5 * Math.Sqrt(n * same * (1 - same));
        Assert.That(Math.Abs(differ - expected), Is.Not.NaN.And.LessThanOrEqualTo(bound),
            $"{what}: new Generator({seed}) and new Generator({seed + 1}) gave different tokens in {differ} of {n} rows, expected {expected:F0} +- {bound:F0} " +
            "(two independent draws differ with probability 1 - sum p^2): the generator must decide the draws; draw with multinomial(probs, 1, generator: generator)");
        // Neighbouring rows of one run are equal with probability s = sum p^2; the n - 1 pairs overlap, so neighbouring pairs
        // covary by P(three equal) - s^2 = sum p^3 - s^2: the variance is (n - 1) s (1 - s) + 2 (n - 2) (sum p^3 - s^2).
        double equalPairs = ids.Zip(ids.Skip(1)).Count(t => t.First == t.Second), expectedPairs = (n - 1) * same;
        double pairBound = 5 * Math.Sqrt((n - 1) * same * (1 - same) + 2 * (n - 2) * (triple - same * same));
        Assert.That(Math.Abs(equalPairs - expectedPairs), Is.Not.NaN.And.LessThanOrEqualTo(pairBound),
            $"{what}: {equalPairs} of {n - 1} neighbouring rows drew the same token, expected {expectedPairs:F0} +- {pairBound:F0} as for independent draws " +
            "(probability sum p^2 each): every row must be a draw of its own from the generator, not a point of an evenly spread sequence");
    }

    static Tensor Sample(Tensor logits, double temperature, int? topK, Generator generator, string what)
    {
        var rows = logits.shape[0];
        var tokens = Sampling.SampleNext(logits.to(Device), temperature, topK, generator);
        TensorAssert.Shape(tokens, [rows], what);
        Assert.That(tokens.dtype, Is.EqualTo(ScalarType.Int64), $"{what}: token ids must be int64");
        Assert.That(tokens.device_type, Is.EqualTo(Device.type), $"{what}: the tokens must be on the logits' device");
        return tokens.cpu();
    }

    [TestCase(0.5), TestCase(2.0)]
    [Points(3)]
    public void SampleNext_DrawsFromSoftmaxOfLogitsOverTemperature(double temperature)
    {
        using var seeded = new Seeded(440);
        string what = $"SampleNext({N} rows of [{string.Join(", ", LogitsA)}], temperature: {temperature})";

        var tokens = Sample(Rows(LogitsA, N), temperature, null, seeded.Generator, what);

        var p = Probabilities(LogitsA, temperature);
        AssertFrequencies(tokens, p, what + ", frequencies vs softmax(logits / temperature)");
        AssertDrawnAtRandomWithTheGenerator(g => Sample(Rows(LogitsA, N), temperature, null, g, what), 440, tokens, p, .., what);

        // Without a generator SampleNext draws with the global one ("null uses the global one"), which manual_seed seeds:
        // successive calls go on along its stream, and the same seed repeats them.
        var uniform = zeros(1, 10); // [1, d_vocab]: every token has probability 1/10
        long[] DrawWithTheGlobalGenerator()
        {
            manual_seed(445);
            return Enumerable.Range(0, 20).Select(_ => Sampling.SampleNext(uniform.to(Device), temperature).cpu().item<long>()).ToArray();
        }
        var drawn = DrawWithTheGlobalGenerator();
        Assert.That(drawn.Distinct().Count(), Is.GreaterThan(1),
            $"SampleNext(uniform logits [1, 10], temperature: {temperature}) without a generator gave token {drawn[0]} in each of 20 calls: with " +
            "generator null, draw with the global generator (pass the null on to multinomial), not with a new seeded Generator in every call");
        Assert.That(DrawWithTheGlobalGenerator(), Is.EqualTo(drawn),
            $"20 calls of SampleNext(uniform logits [1, 10], temperature: {temperature}) without a generator after manual_seed(445), twice, gave different " +
            $"tokens (first [{string.Join(", ", drawn)}]): with generator null, draw with the global generator, which manual_seed seeds");
    }

    [TestCase(1.0), TestCase(0.5)]
    [Points(2)]
    public void SampleNext_WithTopK3_DrawsFromTheRenormalisedTop3OfEachRow(double temperature)
    {
        using var seeded = new Seeded(441);
        string what = $"SampleNext({N} rows of logits A then {N} of logits B, temperature: {temperature}, topK: 3)";

        var tokens = Sample(cat([Rows(LogitsA, N), Rows(LogitsB, N)]), temperature, 3, seeded.Generator, what);

        double[] pA = Probabilities(LogitsA, temperature, [4, 0, 1]), pB = Probabilities(LogitsB, temperature, [0, 2, 5]);
        AssertFrequenciesNotSoftmaxedTwice(tokens[..N], pA, SoftmaxOfProbabilities(LogitsA, temperature, [4, 0, 1]), what + ", rows A (top 3: ids 4, 0, 1)");
        AssertFrequencies(tokens[N..], pB, what + ", rows B (top 3: ids 0, 2, 5; top-k is per row)");
        Tensor Draw(Generator g) => Sample(cat([Rows(LogitsA, N), Rows(LogitsB, N)]), temperature, 3, g, what);
        AssertDrawnAtRandomWithTheGenerator(Draw, 441, tokens, pA, ..N, what + ", rows A");
        AssertDrawnAtRandomWithTheGenerator(Draw, 441, tokens, pB, N.., what + ", rows B");
    }

    [TestCase(6), TestCase(50)]
    [Points(0.5)]
    public void SampleNext_WithTopKAtLeastTheVocabulary_KeepsEveryToken(int k)
    {
        using var seeded = new Seeded(442);
        string what = $"SampleNext({N} rows of 6 logits, temperature: 1, topK: {k})";

        var tokens = Sample(Rows(LogitsB, N), 1.0, k, seeded.Generator, what);

        var p = Probabilities(LogitsB, 1.0);
        AssertFrequenciesNotSoftmaxedTwice(tokens, p, SoftmaxOfProbabilities(LogitsB, 1.0), what + ", frequencies vs softmax(logits) (k >= d_vocab keeps everything)");
        AssertDrawnAtRandomWithTheGenerator(g => Sample(Rows(LogitsB, N), 1.0, k, g, what), 442, tokens, p, .., what);
    }

    /// <summary>
    /// SampleNext draws on the CPU with the generator it is given, "so that a seed gives the same tokens on every device".
    /// On a CPU run both calls below do the same computation, so this test can only fail when the tests run on CUDA: there,
    /// drawing on the logits' device uses the GPU's generator (other tokens) or rejects the CPU generator (an error). The
    /// probabilities differ between devices by float32 rounding, which moves a draw only when it lies that close to a tie.
    /// </summary>
    [Test, Points(0.5)]
    public void SampleNext_DrawsOnTheCpuWithTheGenerator_SameTokensOnEveryDevice_CanOnlyFailOnCuda()
    {
        using var seeded = new Seeded(443);
        var logits = seeded.RandnCpu([64, 12]) * 2; // [batch, d_vocab], on the CPU
        // Each row's 5 largest, from the logits before any call: the only tokens a draw with topK 5 may give.
        var inTop5 = logits >= logits.topk(5, dim: -1).values[.., 4..]; // [64, 12]
        foreach (var (temperature, topK) in new (double, int?)[] { (1.0, null), (0.7, 5) })
        {
            using var forDevice = new Generator(444, CPU);
            using var forCpu = new Generator(444, CPU);
            string what = $"SampleNext(logits [64, 12] on the {Device.type}, temperature: {temperature}, topK: {topK?.ToString() ?? "null"}, new Generator(444))";
            var allowed = topK is null ? ones_like(inTop5) : inTop5; // [64, 12]

            var tokens = Sample(logits, temperature, topK, forDevice, what);
            var onCpu = Sampling.SampleNext(logits, temperature, topK, forCpu);

            TensorAssert.Close(tokens, onCpu.cpu(), Tolerance.Exact,
                $"{what} vs the same call with the logits on the CPU (this check can only fail on CUDA): move the probabilities to the " +
                "CPU and draw there with multinomial and the generator, not on the logits' device, so that a seed gives the same tokens on every device");
            // On the CPU both calls are the same computation: the draws must also be tokens that the top-k keeps.
            Assert.That(allowed.gather(1, tokens.cpu().unsqueeze(1)).logical_not().sum().item<long>(), Is.Zero,
                $"rows of the 64 where {what} drew a token outside the {topK} largest logits: mask all but the top k before the softmax");
        }
    }

    [Test, Points(1)]
    public void TopK_KeepsTiesWithTheKthLargest_WithLeadingDimensions()
    {
        float[] values =
        [
            1, 3, 3, 0, 2, 3, -1,       // 3rd largest 3: the three 3s
            0.5f, 0.1f, 0.9f, 0.9f, -2, 0.3f, 0.2f, // 0.9, 0.9, 0.5
            4, 2, 2, 2, 1, 0, 5,        // 5, 4, 2: all three 2s tie with the 3rd largest
            -1, -2, -3, -4, -5, -6, -7,
        ];
        bool[] keep =
        [
            false, true, true, false, false, true, false,
            true, false, true, true, false, false, false,
            true, true, true, true, false, false, true,
            true, true, true, false, false, false, false,
        ];
        var logits = tensor(values, [2, 2, 7]).to(Device);
        var expected = logits.masked_fill(tensor(keep, [2, 2, 7]).to(Device).logical_not(), double.NegativeInfinity);
        var keptPerRow = keep.Chunk(7).Select(row => row.Count(k => k)).ToArray(); // [3, 3, 5, 3]: ties with the 3rd largest are kept
        var keptAtTheFourth = values.Chunk(7).Select(row => row.Count(v => v >= row.OrderDescending().ElementAt(3))).ToArray(); // [4, 4, 5, 4]

        var filtered = Sampling.TopK(logits, 3);

        TensorAssert.Shape(filtered, [2, 2, 7], "Sampling.TopK(logits [2, 2, 7], 3)");
        var kept = filtered.isfinite().sum([-1]).flatten().cpu().data<long>().ToArray(); // entries kept in each row
        if (kept.SequenceEqual(keptAtTheFourth.Select(n => (long)n)))
            Assert.Fail($"Sampling.TopK(logits [2, 2, 7], 3) kept [{string.Join(", ", kept)}] entries in its rows, those at or above the 4th largest, " +
                $"more than the [{string.Join(", ", keptPerRow)}] at or above the 3rd largest: the k-th largest of the row is the threshold (the last " +
                "of topk(k), index k - 1 of the row sorted in descending order), not the (k + 1)-th");
        TensorAssert.Close(filtered, expected, Tolerance.Exact,
            "Sampling.TopK(logits [2, 2, 7], 3): entries below the 3rd largest of their row are -inf, entries tied with it are kept");
    }
}
