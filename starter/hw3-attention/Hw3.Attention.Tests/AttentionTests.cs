using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw3.Attention.Tests;

public sealed class AttentionTests : TorchTest
{
    [Test, Points(4)]
    public void Scores_AreDotProductsDividedBySqrtDHead()
    {
        // d_head = 4, so the scale is 1/2: q.k = 5 gives 2.5. Built by hand in float64.
        var q = tensor(new double[] { 1, 2, 0, 0, /**/ 0, 0, 1, -1 }, [2, 4]).to(Device); // [q_pos, d_head]
        var k = tensor(new double[] { 3, 1, 0, 0, /**/ 0, 0, 0, 2, /**/ 1, 1, 1, 1 }, [3, 4]).to(Device); // [k_pos, d_head]
        var expected = tensor(new double[] { 5 / 2.0, 0 / 2.0, 3 / 2.0, /**/ 0 / 2.0, -2 / 2.0, 0 / 2.0 }, [2, 3]);
        var (qBefore, kBefore) = (q.clone(), k.clone());

        TensorAssert.Close(Attention.Scores(q, k), expected.to(Device), name:
            "Attention.Scores(q, k) [q_pos, k_pos] = q k^T / sqrt(d_head) with d_head = 4 (got 2x? you divided by d_head; 1/2x? by d_head^2 or not at all)");
        TensorAssert.Close(q, qBefore, Tolerance.Exact, "q after Attention.Scores(q, k): scale the product, or a copy, never q in place (div_)");
        TensorAssert.Close(k, kBefore, Tolerance.Exact, "k after Attention.Scores(q, k): leave the inputs as they were");
    }

    [Test, Points(4)]
    public void Pattern_IsExactlyZeroAboveTheDiagonal_AndEachRowSumsToOne()
    {
        using var seeded = new Seeded(3);
        var scores = seeded.Randn([3, 6, 6]) * 3;
        var scoresBefore = scores.clone();

        var pattern = Attention.Pattern(scores);

        TensorAssert.Shape(pattern, [3, 6, 6], "Attention.Pattern(scores)");
        var future = ones(6, 6, ScalarType.Bool, Device).triu(1).expand(3, -1, -1);
        TensorAssert.Close(pattern.masked_select(future), zeros(3 * 15, device: Device), Tolerance.Exact,
            "pattern entries with key_pos > query_pos (they must be exactly 0: mask with -inf before the softmax)");
        TensorAssert.Close(pattern.sum(-1), ones(3, 6, device: Device), name:
            "pattern.sum(-1): every query's weights over the keys must sum to 1 (softmax over the last dimension)");
        TensorAssert.Close(scores, scoresBefore, Tolerance.Exact,
            "scores after Attention.Pattern(scores): mask a new tensor (CausalMask.Apply, masked_fill), never the caller's scores with masked_fill_");

        // Any lower-triangular rows summing to 1 (the identity, say) have these properties: row i must be the softmax of its
        // scores over keys 0..i, exp(s_ij - max) / sum, here computed in double.
        var s = scoresBefore.cpu().to_type(ScalarType.Float64).data<double>().ToArray();
        var expected = new double[s.Length];
        for (int row = 0; row < 3 * 6; row++)
        {
            int q = row % 6;
            double max = double.NegativeInfinity, sum = 0;
            for (int k = 0; k <= q; k++) max = Math.Max(max, s[row * 6 + k]);
            for (int k = 0; k <= q; k++) sum += Math.Exp(s[row * 6 + k] - max);
            for (int k = 0; k <= q; k++) expected[row * 6 + k] = Math.Exp(s[row * 6 + k] - max) / sum;
        }
        TensorAssert.Close(pattern, tensor(expected, [3, 6, 6]).to_type(ScalarType.Float32).to(Device), name:
            "Attention.Pattern(scores) vs the softmax of each row's scores over keys 0..i computed by the test: zero above the diagonal with rows " +
            "summing to 1, but not softmax(CausalMask.Apply(scores)) over the last dimension");
    }

    [Test, Points(3)]
    public void Pattern_OfEqualScores_IsUniformOverTheVisibleKeys_EvenWhenTheyAreLarge()
    {
        var pattern = Attention.Pattern(zeros(4, 4, ScalarType.Float64, Device));

        var expected = zeros(4, 4, ScalarType.Float64);
        for (long q = 0; q < 4; q++)
            for (long k = 0; k <= q; k++)
                expected[q, k] = 1.0 / (q + 1);
        TensorAssert.Close(pattern, expected.to(Device), name:
            "Attention.Pattern(zeros(4, 4)): query i must spread its weight evenly over keys 0..i");

        // Scores far beyond exp's range (exp(1000) overflows float32 and float64 alike): softmax is unchanged by a shift of a
        // whole row, and library softmax subtracts each row's largest score before exp. Row 0's 1000 is in the masked future:
        // the shift must be the largest visible score, so a maximum taken before masking (or over the whole tensor) gives 0 / 0 there.
        // The weights are compared at the scale of the scores they come from (Tolerance's principle: rounding error comes from the
        // terms that produced a value): exp(s - logsumexp(s)), a correct softmax too, moves each weight by ulps of 1000, as another
        // device's reductions may. A weight on a masked or missing key is off by 0.5 or more, and 0 / 0 is NaN.
        var float32 = Tolerance.For(ScalarType.Float32, Device.type);
        var large = Attention.Pattern(tensor(new float[] { 0, 1000, 0, /**/ 1000, 1000, 0, /**/ 0, 1000, 0 }, [3, 3]).to(Device));
        TensorAssert.Close(large, tensor(new float[] { 1, 0, 0, /**/ 0.5f, 0.5f, 0, /**/ 0, 1, 0 }, [3, 3]).to(Device), float32 with { Atol = float32.Rtol * 1000 }, name:
            "Attention.Pattern of scores [[0, 1000, 0], [1000, 1000, 0], [0, 1000, 0]]: exp of a score of 1000 is inf, so a softmax written out must " +
            "subtract each row's maximum first, taken after masking (row 0's 1000 is masked: a maximum taken over the unmasked scores makes row 0 " +
            "exp(-1000) / sum = 0 / 0 = NaN), or use softmax");
    }
}
