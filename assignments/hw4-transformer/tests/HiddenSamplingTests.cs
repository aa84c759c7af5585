using System.Globalization;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.HiddenTests;

/// <summary>
/// Sampling statistics: N draws from one batch of identical rows, drawn with a seeded CPU generator, against the exact
/// probabilities. Each frequency must lie within 5 standard errors sqrt(p (1 - p) / N) of its probability: a correct
/// implementation fails that for a given token about once in 1.7 million runs, whatever order it draws in.
/// </summary>
[Visibility(Visibility.Hidden)]
public sealed class HiddenSamplingTests : TorchTest
{
    const int N = 20000;
    static readonly double[] LogitsA = [1.0, 0.5, 0.0, -0.5, 2.0, -1.0]; // top 3: ids 4, 0, 1
    static readonly double[] LogitsB = [2.0, -1.0, 1.5, 0.3, -0.2, 1.0]; // top 3: ids 0, 2, 5

    /// <summary>softmax(logits / temperature) over the ids in <paramref name="kept"/> (all when null), 0 elsewhere.</summary>
    static double[] Probabilities(double[] logits, double temperature, int[]? kept = null)
    {
        var weights = logits.Select((l, i) => kept is null || kept.Contains(i) ? Math.Exp(l / temperature) : 0).ToArray();
        double total = weights.Sum();
        return weights.Select(w => w / total).ToArray();
    }

    static Tensor Rows(double[] logits, long count) => tensor(logits.Select(l => (float)l).ToArray()).repeat(count, 1); // [count, d_vocab]

    /// <summary>Checks the token frequencies of <paramref name="tokens"/> [n] (on the CPU) against <paramref name="p"/>.</summary>
    static void AssertFrequencies(Tensor tokens, double[] p, string what)
    {
        var ids = tokens.clone().data<long>().ToArray(); // a fresh copy: tokens may be a view
        Assert.That(ids.All(id => id >= 0 && id < p.Length), Is.True, $"{what}: some sampled ids are outside 0..{p.Length - 1}");
        var counts = new double[p.Length];
        foreach (var id in ids) counts[id]++;
        var frequencies = counts.Select(c => c / ids.Length).ToArray();
        string table = string.Join(", ", Enumerable.Range(0, p.Length).Select(j =>
            string.Create(CultureInfo.InvariantCulture, $"{j}: {frequencies[j]:F4} vs {p[j]:F4}")));
        for (int j = 0; j < p.Length; j++)
        {
            if (p[j] == 0)
            {
                Assert.That(counts[j], Is.Zero, $"{what}: token {j} has probability 0 but was drawn {counts[j]} times (frequency vs probability: {table})");
                continue;
            }
            double bound = 5 * Math.Sqrt(p[j] * (1 - p[j]) / ids.Length);
            Assert.That(Math.Abs(frequencies[j] - p[j]), Is.LessThanOrEqualTo(bound),
                $"{what}: token {j} was drawn with frequency {frequencies[j]:F4}, expected {p[j]:F4} +- {bound:F4} (frequency vs probability: {table})");
        }
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

        AssertFrequencies(tokens, Probabilities(LogitsA, temperature), what + ", frequencies vs softmax(logits / temperature)");
    }

    [TestCase(1.0), TestCase(0.5)]
    [Points(2)]
    public void SampleNext_WithTopK3_DrawsFromTheRenormalisedTop3OfEachRow(double temperature)
    {
        using var seeded = new Seeded(441);
        string what = $"SampleNext({N} rows of logits A then {N} of logits B, temperature: {temperature}, topK: 3)";

        var tokens = Sample(cat([Rows(LogitsA, N), Rows(LogitsB, N)]), temperature, 3, seeded.Generator, what);

        AssertFrequencies(tokens[..N], Probabilities(LogitsA, temperature, [4, 0, 1]), what + ", rows A (top 3: ids 4, 0, 1)");
        AssertFrequencies(tokens[N..], Probabilities(LogitsB, temperature, [0, 2, 5]), what + ", rows B (top 3: ids 0, 2, 5; top-k is per row)");
    }

    [TestCase(6), TestCase(50)]
    [Points(0.5)]
    public void SampleNext_WithTopKAtLeastTheVocabulary_KeepsEveryToken(int k)
    {
        using var seeded = new Seeded(442);
        string what = $"SampleNext({N} rows of 6 logits, temperature: 1, topK: {k})";

        var tokens = Sample(Rows(LogitsB, N), 1.0, k, seeded.Generator, what);

        AssertFrequencies(tokens, Probabilities(LogitsB, 1.0), what + ", frequencies vs softmax(logits) (k >= d_vocab keeps everything)");
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
        foreach (var (temperature, topK) in new (double, int?)[] { (1.0, null), (0.7, 5) })
        {
            using var forDevice = new Generator(444, CPU);
            using var forCpu = new Generator(444, CPU);
            string what = $"SampleNext(logits [64, 12] on the {Device.type}, temperature: {temperature}, topK: {topK?.ToString() ?? "null"}, new Generator(444))";

            var tokens = Sample(logits, temperature, topK, forDevice, what);
            var onCpu = Sampling.SampleNext(logits, temperature, topK, forCpu);

            TensorAssert.Close(tokens, onCpu.cpu(), Tolerance.Exact,
                $"{what} vs the same call with the logits on the CPU (this check can only fail on CUDA): move the probabilities to the " +
                "CPU and draw there with multinomial and the generator, not on the logits' device, so that a seed gives the same tokens on every device");
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

        var filtered = Sampling.TopK(logits, 3);

        TensorAssert.Close(filtered, expected, Tolerance.Exact,
            "Sampling.TopK(logits [2, 2, 7], 3): entries below the 3rd largest of their row are -inf, entries tied with it are kept");
    }
}
