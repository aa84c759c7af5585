using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw1.LmBasics.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenBigramTests : TorchTest
{
    [Test, Points(2)]
    public void Counts_OfAWordCorpus_AreTheHandCheckedBigrams()
    {
        var text = "the dog sees the cat . the cat sees the dog .";
        var tokenizer = WordTokenizer.Fit(text); // <unk>=0 .=1 cat=2 dog=3 sees=4 the=5
        var tokens = tensor(tokenizer.Encode(text)).to(Device); // 5 3 4 5 2 1 5 2 4 5 3 1
        var expected = zeros(6, 6, ScalarType.Int64);
        foreach (var (i, j, c) in new[] { (5, 3, 2), (3, 4, 1), (4, 5, 2), (5, 2, 2), (2, 1, 1), (1, 5, 1), (2, 4, 1), (3, 1, 1) })
            expected[i, j] = c;

        TensorAssert.Close(Bigram.Counts(tokens, 6), expected.to(Device), Tolerance.Exact,
            "bigram counts of \"the dog sees the cat . the cat sees the dog .\" (e.g. C[the, dog] = 2, C[dog, the] = 0)");
    }

    [Test, Points(2)]
    public void Counts_MatchALoopOverTheSequence_ForALongRandomSequence()
    {
        using var seeded = new Seeded(201);
        var tokens = seeded.Randint(0, 13, [5000]);
        var ids = tokens.cpu().data<long>().ToArray();
        var expected = zeros(13, 13, ScalarType.Int64);
        var loop = new long[13, 13];
        for (int t = 0; t + 1 < ids.Length; t++) loop[ids[t], ids[t + 1]]++;
        for (int i = 0; i < 13; i++)
            for (int j = 0; j < 13; j++)
                expected[i, j] = loop[i, j];

        TensorAssert.Close(Bigram.Counts(tokens, 13), expected.to(Device), Tolerance.Exact, "Bigram.Counts of 5000 random tokens over 13 ids");
    }

    [Test, Points(1)]
    public void Counts_OfOneTokenOrNone_AreAllZero()
    {
        TensorAssert.Close(Bigram.Counts(tensor(new long[] { 2 }).to(Device), 4), zeros(4, 4, ScalarType.Int64, Device), Tolerance.Exact,
            "Bigram.Counts of a single token (no bigrams)");
        TensorAssert.Close(Bigram.Counts(zeros(0, ScalarType.Int64, Device), 4), zeros(4, 4, ScalarType.Int64, Device), Tolerance.Exact,
            "Bigram.Counts of no tokens at all (no bigrams: the counts are 0 when n < 2)");
        var two = zeros(4, 4, ScalarType.Int64);
        two[2, 1] = 1;
        TensorAssert.Close(Bigram.Counts(tensor(new long[] { 2, 1 }).to(Device), 4), two.to(Device), Tolerance.Exact,
            "Bigram.Counts of the two tokens [2, 1]: one bigram, C[2, 1] = 1 and every other count 0");
    }

    [Test, Points(2)]
    public void TransitionMatrix_WithAlphaZero_IsTheMaximumLikelihoodEstimate_AndAnEmptyRowIsUniform()
    {
        var counts = tensor(new double[] { 1, 3, 0, 0, /**/ 0, 0, 0, 0, /**/ 2, 2, 2, 2, /**/ 0, 0, 5, 0 }, [4, 4]).to(Device);
        var expected = tensor(new double[] { 0.25, 0.75, 0, 0, /**/ 0.25, 0.25, 0.25, 0.25, /**/ 0.25, 0.25, 0.25, 0.25, /**/ 0, 0, 1, 0 }, [4, 4]);

        var M = Bigram.TransitionMatrix(counts, alpha: 0);

        TensorAssert.Close(M, expected.to(Device), name:
            "TransitionMatrix(counts, alpha: 0): counts / row sums, and a row with no counts becomes uniform 1/V (no NaN from 0/0)");
        // Exact, unlike the default atol above: a pair never seen, in a row that has counts, has probability 0, so that log P
        // of a text with it is -infinity. 0 / rowsum is 0 in any order of operations; an epsilon added at alpha = 0 is not.
        var unseen = expected.eq(0).to(Device); // [4, 4]: five pairs, in rows 0 and 3
        TensorAssert.Close(M.masked_select(unseen), zeros(5, ScalarType.Float64, Device), Tolerance.Exact,
            "TransitionMatrix(counts, alpha: 0) at the five pairs with count 0 in rows that have counts: exactly 0 (add alpha itself, no epsilon), so log P = -infinity there");
    }
}
