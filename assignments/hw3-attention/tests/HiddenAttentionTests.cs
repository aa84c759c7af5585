using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw3.Attention.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenAttentionTests : TorchTest
{
    [Test, Points(2)]
    public void CausalMask_WorksWithBatchAndHeadDimensions()
    {
        using var seeded = new Seeded(101);
        var scores = seeded.Randn([2, 3, 4, 4]);

        var masked = CausalMask.Apply(scores);

        var expected = scores.clone();
        expected[.., .., 0, 1..] = double.NegativeInfinity;
        expected[.., .., 1, 2..] = double.NegativeInfinity;
        expected[.., .., 2, 3..] = double.NegativeInfinity;
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
}
