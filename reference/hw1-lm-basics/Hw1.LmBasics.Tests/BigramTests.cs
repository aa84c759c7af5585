using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw1.LmBasics.Tests;

public sealed class BigramTests : TorchTest
{
    [Test, Points(3)]
    public void Counts_OfAHandCheckedSequence_AreExact()
    {
        // Bigrams of 0 1 2 0 1 1 2: (0,1) twice, (1,2) twice, (2,0) once, (1,1) once. Not symmetric: C[0,1] = 2 but C[1,0] = 0.
        var tokens = tensor(new long[] { 0, 1, 2, 0, 1, 1, 2 }).to(Device);
        var expected = tensor(new long[] { 0, 2, 0, /**/ 0, 1, 2, /**/ 1, 0, 0 }, [3, 3]);

        TensorAssert.Close(Bigram.Counts(tokens, 3), expected.to(Device), Tolerance.Exact,
            "Bigram.Counts([0 1 2 0 1 1 2], 3) as int64: C[i, j] counts current i followed by next j (C[j, i] would be the transpose)");
    }

    [Test, Points(2)]
    public void Counts_SumToTheNumberOfBigrams_AndUseTheWholeVocabulary()
    {
        using var seeded = new Seeded(21);
        var tokens = seeded.Randint(0, 5, [200]);

        var counts = Bigram.Counts(tokens, 8);

        TensorAssert.Shape(counts, [8, 8], "Bigram.Counts(tokens, vocabSize: 8): [vocabSize, vocabSize] even when ids 5..7 never occur");
        Assert.That(counts.sum().item<long>(), Is.EqualTo(199), "a sequence of 200 tokens has 199 bigrams (t, t + 1)");
    }

    [Test, Points(3)]
    public void TransitionMatrix_AddsAlphaToEveryCount_AndNormalisesEachRow_LeavingTheCountsAsTheyWere()
    {
        var counts = tensor(new long[] { 0, 2, 1, /**/ 3, 0, 0, /**/ 0, 0, 0 }, [3, 3]).to(Device);
        // alpha = 1: row 0 (1 3 2)/6, row 1 (4 1 1)/6, row 2 (1 1 1)/3.
        var expected = tensor(new double[] { 1 / 6.0, 3 / 6.0, 2 / 6.0, /**/ 4 / 6.0, 1 / 6.0, 1 / 6.0, /**/ 1 / 3.0, 1 / 3.0, 1 / 3.0 }, [3, 3]);
        var counts64 = tensor(new double[] { 0, 2, 1, /**/ 3, 0, 0, /**/ 0, 0, 0 }, [3, 3]).to(Device); // counts of any numeric dtype
        var before64 = counts64.clone();

        TensorAssert.Close(Bigram.TransitionMatrix(counts, alpha: 1.0), expected.to(Device), name:
            "Bigram.TransitionMatrix(counts, alpha: 1) in float64: (C[i, j] + alpha) / (sum_k C[i, k] + alpha V) " +
            "(forgot alpha V in the denominator? normalised columns instead of rows?)");
        TensorAssert.Close(Bigram.TransitionMatrix(counts64, alpha: 1.0), expected.to(Device), name: "Bigram.TransitionMatrix of the same counts in float64, alpha: 1");
        TensorAssert.Close(counts64, before64, Tolerance.Exact,
            "float64 counts after Bigram.TransitionMatrix(counts, alpha: 1): to_type(Float64) of float64 counts is the counts themselves, so add alpha out of place (+, not add_)");
    }

    [Test, Points(2)]
    public void TransitionMatrix_RowsSumToOne_InFloat64()
    {
        using var seeded = new Seeded(22);
        var counts = seeded.Randint(0, 20, [6, 6]);
        var counts64 = counts.to_type(ScalarType.Float64);
        var expected = (counts64 + 0.5) / (counts64.sum(1, keepdim: true) + 0.5 * 6);

        var M = Bigram.TransitionMatrix(counts, alpha: 0.5);

        Assert.That(M.dtype, Is.EqualTo(ScalarType.Float64), "TransitionMatrix must return float64");
        TensorAssert.Close(M.sum(1), ones(6, ScalarType.Float64, Device), name:
            "M.sum(1): every row of M is P(next | current) and must sum to 1 (normalise over dimension 1, the next token)");
        TensorAssert.Close(M, expected, name:
            "Bigram.TransitionMatrix(counts, alpha: 0.5) of random counts: (C[i, j] + alpha) / (sum_k C[i, k] + alpha V)");
        // Float64 all the way, as the doc says: a division in float32 is off by up to 6e-8 of its value, far beyond float64's rounding.
        TensorAssert.Close(M, expected, Tolerance.Float64Rounding,
            "Bigram.TransitionMatrix(counts, alpha: 0.5) to float64 rounding (1e-13 of the scale): right to 1e-7 but not beyond, " +
            "so it was computed in float32 and widened at the end; convert the counts to float64 before adding alpha and dividing");
    }
}
