using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw1.LmBasics.Tests;

public sealed class MarkovSamplerTests : TorchTest
{
    // Not symmetric (M[0, 3] = 0 but M[3, 0] = 0.25), and the columns do not sum to 1: sampling from a column
    // instead of a row gives visibly different frequencies.
    internal static double[] Chain =>
    [
        0.10, 0.60, 0.30, 0.00,
        0.00, 0.20, 0.50, 0.30,
        0.70, 0.00, 0.10, 0.20,
        0.25, 0.25, 0.25, 0.25,
    ];
    internal static double[] Start => [0.4, 0.3, 0.2, 0.1];

    /// <summary>How many steps of <paramref name="samples"/> [batch, length] go from i to j where Chain has M[i, j] = 0.</summary>
    internal static long ImpossibleTransitions(Tensor samples)
    {
        var impossible = (tensor(Chain, [4, 4]) == 0).flatten(); // [16]
        var pairs = (samples[.., ..^1] * 4 + samples[.., 1..]).cpu().flatten();
        return impossible.index_select(0, pairs).sum().item<long>();
    }

    [Test, Points(1)]
    public void Sample_ReturnsBatchByLengthInt64Ids_EvenOfLengthZero()
    {
        using var seeded = new Seeded(51);
        var samples = MarkovSampler.Sample(tensor(Chain, [4, 4]).to(Device), tensor(Start).to(Device), batch: 3, length: 9, seeded.Generator);

        TensorAssert.Shape(samples, [3, 9], "MarkovSampler.Sample(M, start, batch: 3, length: 9)");
        Assert.That(samples.dtype, Is.EqualTo(ScalarType.Int64), "token ids are int64");
        Assert.That(samples.min().item<long>(), Is.GreaterThanOrEqualTo(0), "the smallest id MarkovSampler.Sample(M, start, 3, 9) drew (ids lie in [0, V))");
        Assert.That(samples.max().item<long>(), Is.LessThan(4), "the largest id MarkovSampler.Sample(M, start, 3, 9) drew, V = 4 (ids lie in [0, V))");
        Assert.That(ImpossibleTransitions(samples), Is.EqualTo(0),
            $"transitions i → j with M[i, j] = 0 in MarkovSampler.Sample(M, start, 3, 9):\n{samples.cpu().str()}\ndraw x_t from row M[x_(t-1)]");
        Assert.That((samples != samples[0, 0]).sum().item<long>(), Is.GreaterThan(0),
            $"tokens of the 27 MarkovSampler.Sample(M, start, 3, 9) drew that are not samples[0, 0] (draw x_0 from start and x_t from row M[x_(t-1)] with multinomial):\n{samples.cpu().str()}");
        var none = MarkovSampler.Sample(tensor(Chain, [4, 4]).to(Device), tensor(Start).to(Device), batch: 3, length: 0, seeded.Generator);
        TensorAssert.Shape(none, [3, 0], "MarkovSampler.Sample(M, start, batch: 3, length: 0): three sequences of no tokens");
        Assert.That(none.dtype, Is.EqualTo(ScalarType.Int64), "token ids are int64, even when there are none");
        Tensor? one = null;
        try
        {
            one = MarkovSampler.Sample(tensor(Chain, [4, 4]).to(Device), tensor(Start).to(Device), batch: 1, length: 9, seeded.Generator);
        }
        catch (System.Runtime.InteropServices.ExternalException e)
        {
            Assert.Fail($"MarkovSampler.Sample(M, start, batch: 1, length: 9) threw ({e.Message.Split('\n')[0]}): a batch of one keeps its batch dimension; squeeze(1) the [batch, 1] draws of multinomial, not squeeze(), which drops every dimension of size 1");
        }
        TensorAssert.Shape(one, [1, 9], "MarkovSampler.Sample(M, start, batch: 1, length: 9): a batch of one is still [batch, length] (squeeze(1) the [batch, 1] draws, not squeeze())");
    }

    [Test, Points(4)]
    public void Sample_TransitionFrequencies_MatchTheRowsOfM_WithinFiveStandardDeviations()
    {
        using var seeded = new Seeded(52);
        var M = tensor(Chain, [4, 4]);

        var samples = MarkovSampler.Sample(M.clone().to(Device), tensor(Start).to(Device), batch: 1000, length: 100, seeded.Generator).cpu();

        // 99,000 transitions, about 25,000 from each state. For a state seen n_i times, the observed frequency of
        // i → j is binomial(n_i, M[i, j]) / n_i, with standard deviation sqrt(M[i, j] (1 - M[i, j]) / n_i) ≤ 0.0032;
        // a correct sampler is farther than 5 of them with probability below 1e-5 (over all 16 entries), and a
        // transposed M (a column instead of a row) is off by 0.1 to 0.7.
        var pairs = samples[.., ..^1] * 4 + samples[.., 1..];
        var counts = bincount(pairs.flatten(), minlength: 16).reshape(4, 4).to_type(ScalarType.Float64); // [current, next]
        var n = counts.sum(1, keepdim: true); // [4, 1]
        var frequencies = counts / n;
        var bound = 5 * (M * (1 - M) / n).sqrt() + 1e-12;
        var worst = ((frequencies - M).abs() - bound).max().ToDouble();

        Assert.That(n.min().ToDouble(), Is.GreaterThan(0),
            $"some state is never followed by another in 1000 samples of length 100 (visits per state: {n.flatten().str()}): every state of this chain is visited often; draw x_t from row M[x_(t-1)]");
        Assert.That(worst, Is.Not.NaN.And.LessThanOrEqualTo(0),
            "empirical frequencies of next | current (rows) differ from M by more than 5 standard deviations: draw x_t from row " +
            "M[x_{t-1}], e.g. M.index_select(0, current).multinomial(1, true, generator), and x_0 from start\n" +
            $"observed\n{frequencies.str(fltFormat: "0.000")}\nexpected M\n{M.str(fltFormat: "0.000")}");
    }

    [Test, Points(2)]
    public void Sample_DependsOnlyOnTheGenerator_NotOnTheGlobalSeed()
    {
        var M = tensor(Chain, [4, 4]).to(Device);
        var start = tensor(Start).to(Device);

        manual_seed(1);
        using var first = new Generator(123, CPU);
        var a = MarkovSampler.Sample(M, start, batch: 4, length: 30, first);
        manual_seed(2);
        using var second = new Generator(123, CPU);
        var b = MarkovSampler.Sample(M, start, batch: 4, length: 30, second);
        using var other = new Generator(124, CPU);
        var c = MarkovSampler.Sample(M, start, batch: 4, length: 30, other);

        Assert.That(ImpossibleTransitions(a), Is.EqualTo(0),
            "MarkovSampler.Sample(M, start, 4, 30) has transitions i → j where M[i, j] = 0: draw x_t from row M[x_(t-1)], not from start again");
        TensorAssert.Close(b, a, Tolerance.Exact,
            "two samples from generators with the same seed (after different manual_seed calls): pass generator: to every multinomial call");
        Assert.That((c != a).sum().item<long>(), Is.GreaterThan(0),
            "tokens of the 120 where samples from generators of seeds 123 and 124 differ (none: is the generator passed to multinomial at all?)");
        var next = MarkovSampler.Sample(M, start, batch: 4, length: 30, first);
        Assert.That((next != a).sum().item<long>(), Is.GreaterThan(0),
            "tokens of the 120 where a second Sample with the same generator differs from the first (none: draw from the generator passed in, which moves on with every draw, not from a new Generator of its initial_seed())");
    }
}
