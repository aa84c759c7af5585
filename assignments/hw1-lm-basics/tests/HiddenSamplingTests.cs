using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw1.LmBasics.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenSamplingTests : TorchTest
{
    [Test, Points(3)]
    public void Sample_OfADeterministicCycle_FollowsTheRows()
    {
        // 0 → 2 → 1 → 3 → 0: one next token per row. Its transpose runs the cycle backwards (0 → 3 → 1 → 2).
        var M = zeros(4, 4, ScalarType.Float64);
        M[0, 2] = 1.0; M[2, 1] = 1.0; M[1, 3] = 1.0; M[3, 0] = 1.0;
        var start = tensor(new double[] { 0, 0, 1, 0 });
        using var generator = new Generator(301, CPU);

        var samples = MarkovSampler.Sample(M.to(Device), start.to(Device), batch: 2, length: 6, generator);

        var expected = tensor(new long[] { 2, 1, 3, 0, 2, 1, /**/ 2, 1, 3, 0, 2, 1 }, [2, 6]);
        TensorAssert.Close(samples.cpu(), expected, Tolerance.Exact,
            "samples of the cycle 0 → 2 → 1 → 3 → 0 from x_0 = 2: x_t comes from row M[x_{t-1}] (a column runs the cycle backwards)");
    }

    [Test, Points(3)]
    public void Sample_FirstTokens_FollowStart_WithinFiveStandardDeviations()
    {
        var M = full(5, 5, 0.2, ScalarType.Float64);
        var start = tensor(new double[] { 0.5, 0.05, 0.3, 0.0, 0.15 });
        using var generator = new Generator(302, CPU);

        var samples = MarkovSampler.Sample(M.to(Device), start.clone().to(Device), batch: 20000, length: 2, generator).cpu();

        // 20,000 draws: standard deviation sqrt(p (1 - p) / 20000) <= 0.0036 per frequency.
        var frequencies = bincount(samples[.., 0], minlength: 5).to_type(ScalarType.Float64) / 20000;
        var bound = 5 * (start * (1 - start) / 20000).sqrt() + 1e-12;
        Assert.That(((frequencies - start).abs() - bound).max().ToDouble(), Is.Not.NaN.And.LessThanOrEqualTo(0),
            $"frequencies of x_0 {Values(frequencies)} vs start {Values(start)}, allowed 5 standard deviations (x_0 ~ start, not M)");
        // The sequences are independent, so neighbouring rows' x_0 are equal with probability s = sum p^2 = 0.365 each. The
        // 19,999 pairs overlap, so neighbouring pairs covary by sum p^3 - s^2: the variance is (n - 1) s (1 - s) + 2 (n - 2)
        // (sum p^3 - s^2), a standard deviation of about 74 pairs around 7300. Correct code is outside 5 of them about once in
        // 1.7 million runs; first tokens spread evenly over the batch (stratified or sorted draws) give about 19,996 equal pairs.
        double[] p = [0.5, 0.05, 0.3, 0.0, 0.15];
        double n = 20000, same = p.Sum(q => q * q), triple = p.Sum(q => q * q * q);
        var first = samples[.., 0].clone().data<long>().ToArray();
        double equalPairs = first.Zip(first.Skip(1)).Count(t => t.First == t.Second), expectedPairs = (n - 1) * same;
        double pairBound = 5 * Math.Sqrt((n - 1) * same * (1 - same) + 2 * (n - 2) * (triple - same * same));
        Assert.That(Math.Abs(equalPairs - expectedPairs), Is.Not.NaN.And.LessThanOrEqualTo(pairBound),
            $"{equalPairs} of {n - 1} neighbouring sequences drew the same x_0, expected {expectedPairs:F0} +- {pairBound:F0} as for independent draws " +
            "(probability sum p^2 each): each sequence's x_0 must be a draw of its own from start with the generator, not a point of an evenly spread sequence");
        // Every row of M is uniform, so x_1 is uniform whatever x_0 was: drawn from start again, it would not be.
        var uniform = full(5, 0.2, ScalarType.Float64);
        var secondFrequencies = bincount(samples[.., 1], minlength: 5).to_type(ScalarType.Float64) / 20000;
        var secondBound = 5 * (uniform * (1 - uniform) / 20000).sqrt();
        Assert.That(((secondFrequencies - uniform).abs() - secondBound).max().ToDouble(), Is.Not.NaN.And.LessThanOrEqualTo(0),
            $"frequencies of x_1 {Values(secondFrequencies)} vs row M[x_0] = {Values(uniform)}, allowed 5 standard deviations (x_1 ~ M[x_0], not start)");
    }

    /// <summary>A vector's values in one line: [0.500, 0.050, ...].</summary>
    static string Values(Tensor t) =>
        "[" + string.Join(", ", t.cpu().to_type(ScalarType.Float64).data<double>().ToArray().Select(v => v.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture))) + "]";
}
