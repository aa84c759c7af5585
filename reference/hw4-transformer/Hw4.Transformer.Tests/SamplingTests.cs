using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.Tests;

public sealed class SamplingTests : TorchTest
{
    [Test, Points(2)]
    [TestCase(0.5), TestCase(2.0), TestCase(0.7)]
    public void ApplyTemperature_DividesTheLogitsByTheTemperature(double temperature)
    {
        using var seeded = new Seeded(700);
        var logits = seeded.RandnCpu([3, 7], ScalarType.Float64) * 3;
        var expected = tensor(logits.data<double>().Select(v => v / temperature).ToArray(), [3, 7]);
        var input = logits.to(Device);
        var input32 = logits.to_type(ScalarType.Float32).to(Device);

        var scaled = Sampling.ApplyTemperature(input, temperature);
        var scaled32 = Sampling.ApplyTemperature(input32, temperature);

        TensorAssert.Close(scaled, expected.to(Device), name:
            $"Sampling.ApplyTemperature(logits [3, 7], {temperature}) = logits / {temperature} (divided, not multiplied)");
        TensorAssert.Close(input, logits.to(Device), Tolerance.Exact,
            "the logits after ApplyTemperature: it must return a new tensor, not divide in place");
        Assert.That(scaled32.dtype, Is.EqualTo(ScalarType.Float32),
            $"the dtype of Sampling.ApplyTemperature(float32 logits, {temperature}): float32 logits give float32 (a returned tensor has its inputs' dtype), so no to_type(Float64)");
    }

    [Test, Points(2)]
    public void TopK_KeepsTheKLargestOfEachRow_AndSetsTheOthersToMinusInfinity()
    {
        const double inf = double.PositiveInfinity;
        var logits = tensor(new double[]
        {
            0.5, 3, -1, 2, 7, 1,
            -2, -3, 4, 0, 1, -5,
        }, [2, 6]).to(Device); // [batch, d_vocab]
        var expected = tensor(new double[]
        {
            -inf, 3, -inf, 2, 7, -inf,
            -inf, -inf, 4, 0, 1, -inf,
        }, [2, 6]).to(Device);

        var filtered = Sampling.TopK(logits.clone(), 3);
        var input = logits.clone();
        var everything = Sampling.TopK(input, 6);

        TensorAssert.Shape(filtered, [2, 6], "Sampling.TopK(logits [2, 6], k = 3)");
        var kept = filtered.isfinite().sum([-1]).cpu().data<long>().ToArray(); // entries kept in each row (no ties here)
        if (kept.All(n => n == 4))
            Assert.Fail("Sampling.TopK(logits [2, 6], k = 3) kept 4 entries in each row, more than k = 3: the k-th largest of the row is the " +
                "threshold (the last of topk(k), index k - 1 of the row sorted in descending order), not the (k + 1)-th");
        TensorAssert.Close(filtered, expected, Tolerance.Exact,
            "Sampling.TopK(logits [2, 6], k = 3): per row, the 3 largest entries unchanged and the others -inf " +
            "(the k largest of each row, not of the whole tensor; compare with the k-th largest value of the row)");
        TensorAssert.Close(everything, logits, Tolerance.Exact,
            "Sampling.TopK(logits [2, 6], k = 6): k >= d_vocab keeps every entry");
        everything.zero_();
        TensorAssert.Close(input, logits, Tolerance.Exact,
            "the logits after writing into the result of Sampling.TopK(logits [2, 6], k = 6): with k >= d_vocab it must still return a copy " +
            "(logits.clone()), not the logits themselves, as its doc says");
    }

    [Test, Points(1)]
    public void SampleNext_WithTemperatureZero_TakesTheArgmaxOfEachRow()
    {
        using var seeded = new Seeded(701);
        var logits = seeded.RandnCpu([4, 9]);
        var values = logits.data<float>().ToArray();
        var expected = Enumerable.Range(0, 4)
            .Select(row => (long)Array.IndexOf(values, values.Skip(row * 9).Take(9).Max(), row * 9) - row * 9).ToArray();

        var tokens = Sampling.SampleNext(logits.to(Device), temperature: 0);

        TensorAssert.Close(tokens, tensor(expected, ScalarType.Int64).to(Device), Tolerance.Exact,
            "Sampling.SampleNext(logits [4, 9], temperature: 0): greedy decoding, the argmax of each row as int64 [batch]");
    }
}
