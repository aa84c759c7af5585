using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw3.Attention.Tests;

public sealed class CausalMaskTests : TorchTest
{
    [Test, Points(4)]
    public void Apply_SetsEntriesWhereKeyIsAfterQueryToMinusInfinity_AndKeepsTheRest()
    {
        using var seeded = new Seeded(1);
        var scores = seeded.Randn([2, 5, 5], ScalarType.Float64);
        var expected = scores.cpu().clone();
        for (long b = 0; b < 2; b++)
            for (long q = 0; q < 5; q++)
                for (long k = q + 1; k < 5; k++)
                    expected[b, q, k] = double.NegativeInfinity;

        TensorAssert.Close(CausalMask.Apply(scores), expected.to(Device), Tolerance.Exact,
            "CausalMask.Apply(scores) [batch, query_pos, key_pos]: entries with key_pos > query_pos must be -inf, the others unchanged");
    }

    [Test, Points(2)]
    public void Apply_DoesNotModifyItsInput()
    {
        using var seeded = new Seeded(2);
        var scores = seeded.Randn([3, 4, 4]);
        var before = scores.clone();
        var expected = scores.cpu().clone();
        for (long b = 0; b < 3; b++)
            for (long q = 0; q < 4; q++)
                for (long k = q + 1; k < 4; k++)
                    expected[b, q, k] = double.NegativeInfinity;

        var masked = CausalMask.Apply(scores);

        TensorAssert.Close(scores, before, Tolerance.Exact,
            "scores after CausalMask.Apply(scores) (use masked_fill, which returns a new tensor, not masked_fill_)");
        // Leaving the input alone counts with the masked copy it must return (a bare clone leaves it alone too).
        TensorAssert.Close(masked, expected.to(Device), Tolerance.Exact,
            "CausalMask.Apply(scores) [3, 4, 4]: scores was left as it was, but the result must be a copy of it with -inf where key_pos > query_pos " +
            "(masked_fill of the mask, not the scores unchanged)");
    }
}
