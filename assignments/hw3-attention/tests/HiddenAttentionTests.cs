using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw3.Attention.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenAttentionTests : TorchTest
{
    [Test, Points(1)]
    public void CausalMask_WorksWithBatchAndHeadDimensions()
    {
        using var seeded = new Seeded(101);
        var scores = seeded.Randn([2, 3, 4, 4]);

        var expected = scores.clone();
        expected[.., .., 0, 1..] = double.NegativeInfinity;
        expected[.., .., 1, 2..] = double.NegativeInfinity;
        expected[.., .., 2, 3..] = double.NegativeInfinity;

        var masked = CausalMask.Apply(scores);
        TensorAssert.Close(masked, expected, Tolerance.Exact,
            "CausalMask.Apply(scores [batch, head, query_pos, key_pos]): mask the last two dimensions, whatever comes before them");
    }

    [Test, Points(3)]
    public void Scores_UseSqrtOfTheLastDimension_WithBatchAndHeadDimensions_InFloat64()
    {
        // d_head = 7: 1/sqrt(7) is not confusable with 1/d_head, 1/sqrt(d_model) or a constant.
        const int d_head = 7;
        using var seeded = new Seeded(102);
        var q = seeded.RandnCpu([2, 3, 4, d_head], ScalarType.Float64); // [batch, head, q_pos, d_head]
        var k = seeded.RandnCpu([2, 3, 5, d_head], ScalarType.Float64); // [batch, head, k_pos, d_head]
        double[] qs = q.data<double>().ToArray(), ks = k.data<double>().ToArray();
        var expected = new double[2 * 3 * 4 * 5];
        for (int bh = 0; bh < 6; bh++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 5; j++)
                {
                    double dot = 0;
                    for (int d = 0; d < d_head; d++) dot += qs[(bh * 4 + i) * d_head + d] * ks[(bh * 5 + j) * d_head + d];
                    expected[(bh * 4 + i) * 5 + j] = dot / Math.Sqrt(d_head);
                }

        var scores = Attention.Scores(q.to(Device), k.to(Device));

        TensorAssert.Close(scores, tensor(expected, [2, 3, 4, 5]).to(Device), name:
            "Attention.Scores(q [2, 3, 4, 7], k [2, 3, 5, 7]) = q k^T / sqrt(7), in float64 [batch, head, q_pos, k_pos]");
    }

    /// <summary>
    /// Scores with fewer or more queries than keys. The handout's rule is by index: entry [i, j] is masked when j &gt; i,
    /// whatever q_pos and k_pos are (ones(q_pos, k_pos).triu(1)). A mask of size q_pos alone cannot be applied to them, and one
    /// aligned to the last query (j &gt; i + k_pos - q_pos, as with a KV cache) masks other entries.
    /// </summary>
    [Test, Points(1)]
    public void CausalMask_OnRectangularScores_MasksKeyPosAboveQueryPos_ByIndex()
    {
        using var seeded = new Seeded(103);
        foreach (var (queries, keys) in new[] { (3L, 5L), (5L, 3L) })
        {
            var scores = seeded.Randn([2, queries, keys]);
            var expected = scores.cpu().clone();
            var lowerRight = scores.cpu().clone(); // the mask aligned to the last query instead
            for (long i = 0; i < queries; i++)
                for (long j = 0; j < keys; j++)
                {
                    if (j > i) expected[.., i, j] = double.NegativeInfinity;
                    if (j > i + keys - queries) lowerRight[.., i, j] = double.NegativeInfinity;
                }
            string what = $"CausalMask.Apply(scores [2, {queries}, {keys}]) ({queries} queries, {keys} keys)";

            Tensor masked;
            try
            {
                masked = CausalMask.Apply(scores);
            }
            catch (Exception e)
            {
                Assert.Fail($"{what} threw {e.GetType().Name}: {e.Message.Split('\n')[0]}. Build the mask from both " +
                    "q_pos = scores.shape[^2] and k_pos = scores.shape[^1], e.g. ones(q_pos, k_pos, ScalarType.Bool, device).triu(1)");
                return;
            }

            if (TensorAssert.CloseFailure(masked, lowerRight.to(Device), Tolerance.Exact) is null)
                Assert.Fail($"{what}: row i keeps keys 0..i {(keys > queries ? "+" : "-")} {Math.Abs(keys - queries)}, a mask aligned to the last query; the handout's rule " +
                    "is by index, entry [i, j] is -inf when j > i, so row i keeps keys 0..i: use ones(q_pos, k_pos).triu(1), not triu(1 + k_pos - q_pos)");
            TensorAssert.Close(masked, expected.to(Device), Tolerance.Exact,
                $"{what}: entry [i, j] is -inf when j > i, by index (row i keeps keys 0..i), the rest unchanged");
        }
    }
}
