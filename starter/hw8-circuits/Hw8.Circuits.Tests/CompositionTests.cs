using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw8.Circuits.Tests;

/// <summary>Composition scores on matrices whose answer is known, which kind reads which side, and the random baseline.</summary>
public sealed class CompositionTests : TorchTest
{
    static FactoredMatrix Factored(Tensor a, Tensor b) => new(a.to(ScalarType.Float32).to(TestDevice.Current), b.to(ScalarType.Float32).to(TestDevice.Current));

    [Test, Points(2)]
    public void Score_OfTheIdentityWithItself_IsOneOverRootD()
    {
        var identity = Factored(eye(4), eye(4));
        var identity9 = Factored(eye(9), eye(9));

        Assert.That(Composition.Score(identity, identity), Is.EqualTo(0.5).Within(1e-6),
            "‖I I‖_F / (‖I‖_F ‖I‖_F) = √4 / (√4 √4) = 0.5 for d = 4: divide by the product of both norms (each the Frobenius norm, a square root: FactoredMatrix.Norm's tests check it)");
        Assert.That(Composition.Score(identity9, identity9), Is.EqualTo(1.0 / 3).Within(1e-6),
            "‖I I‖_F / (‖I‖_F ‖I‖_F) = √9 / (√9 √9) = 1/3 for d = 9: divide by the product of both norms (each the Frobenius norm, a square root: FactoredMatrix.Norm's tests check it)");
    }

    [Test, Points(2)]
    public void Score_IsZero_WhenW_BReadsADirectionW_ADoesNotWrite()
    {
        // W_A writes only into e0 (its columns); W_B reads only e1 (its rows): x W_A W_B = 0 for every x.
        var writesE0 = Factored(ones(3, 1), tensor(new float[] { 1, 0, 0 }).reshape(1, 3)); // [3, 1] [1, 3]
        var readsE1 = Factored(tensor(new float[] { 0, 1, 0 }).reshape(3, 1), ones(1, 3)); // [3, 1] [1, 3]

        Assert.That(Composition.Score(writesE0, readsE1), Is.EqualTo(0).Within(1e-7), "W_A W_B = 0 here: the score is ‖W_A W_B‖, in that order");
        Assert.That(Composition.Score(readsE1, writesE0), Is.GreaterThan(0.1), "and in the other order the product is not zero");
    }

    [Test, Points(3)]
    public void Scores_OfEachKind_ComposeLayer0sOvWithLayer1sQkItsTransposeOrItsOv()
    {
        var model = SmallModel.Make(5, Device);
        var weights = SmallModel.Make(5, Device); // the same weights, which homework code never has
        var kinds = new[] { CompositionKind.Q, CompositionKind.K, CompositionKind.V };
        var modelW_O = model.blocks[0].attn.W_O; // [n_heads, d_head, d_model]: taken before homework code sees the model, and only written to

        void AssertScores(string edited)
        {
            foreach (var kind in kinds)
            {
                var scores = Composition.Scores(model, kind);
                TensorAssert.Shape(scores, [3, 3], $"Composition.Scores(model{edited}, {kind}) [layer-0 head, layer-1 head]");
                for (int h0 = 0; h0 < 3; h0++)
                    for (int h1 = 0; h1 < 3; h1++)
                    {
                        var a0 = weights.blocks[0].attn;
                        var a1 = weights.blocks[1].attn;
                        var W_A = SmallModel.Dense(a0.W_V[h0], a0.W_O[h0]); // [d_model, d_model]
                        var W_B = kind switch
                        {
                            CompositionKind.Q => SmallModel.Dense(a1.W_Q[h1], a1.W_K[h1].T),
                            CompositionKind.K => SmallModel.Dense(a1.W_K[h1], a1.W_Q[h1].T), // (W_Q W_Kᵀ)ᵀ
                            _ => SmallModel.Dense(a1.W_V[h1], a1.W_O[h1]),
                        };
                        double expected = (W_A.matmul(W_B).norm() / (W_A.norm() * W_B.norm())).ToDouble();
                        double actual = scores[h0, h1].ToDouble();
                        Assert.That(actual, Is.EqualTo(expected).Within(Tolerance.For(ScalarType.Float32, DeviceType.CPU).Allowed(expected, expected)),
                            $"{kind}-composition of head 0.{h0} with head 1.{h1}{edited}: W_A = W_OV of 0.{h0}, W_B = {(kind == CompositionKind.V ? "W_OV" : kind == CompositionKind.Q ? "W_QK" : "W_QKᵀ")} of 1.{h1}" +
                            (edited.Length > 0 ? "; the scores are those of the weights as they are at the call (a model edited in place has new scores: keep none from an earlier call)" : ""));
                    }
            }
        }

        AssertScores("");
        // Then the same model object edited in place, as ablating or scaling a head does: each d_head row of layer 0's W_O
        // scaled by its own factor, which changes every W_A (scaling a whole head would not change its scores). The same edit
        // on the copy, from which the expected scores come.
        var rowScales = tensor(new float[] { 1, 3, 0.5f, 2, 1, -1 }).reshape(3, 2, 1).to(Device); // [n_heads, d_head, 1]
        using (no_grad())
        {
            weights.blocks[0].attn.W_O.mul_(rowScales);
            modelW_O.mul_(rowScales);
        }
        AssertScores(" after its layer-0 W_O rows were scaled in place");
    }

    [Test, Points(3)]
    public void RandomBaseline_IsTheMeanScoreOfUnrelatedRandomMatrices_WithinItsStatisticalError()
    {
        // The expectation, estimated here from 2000 draws in float64 with another generator; the student's mean must lie
        // within 5 standard errors of it (a sampling error, whatever order the draws are made in). Through a d_head of 1 the
        // score is |cos| of two random directions, whose mean (about 0.20 for d_model 16) is 20% below 1 / √d_model: 10 standard errors
        // of 1000 draws, so a closed form that ignores d_head (a red team, round 19 atk68 b03) fails there.
        foreach (var (d_model, d_head, samples, seed) in new[] { (16L, 4L, 200, 3UL), (16L, 1L, 1000, 4UL) })
        {
            var check = new Generator(99);
            Tensor Draw() => randn([d_model, d_head], ScalarType.Float64, generator: check).matmul(randn([d_head, d_model], ScalarType.Float64, generator: check));
            var scores = Enumerable.Range(0, 2000).Select(_ =>
            {
                var (a, b) = (Draw(), Draw());
                return (a.matmul(b).norm() / (a.norm() * b.norm())).ToDouble();
            }).ToList();
            double mean = scores.Average(), sd = Math.Sqrt(scores.Sum(s => (s - mean) * (s - mean)) / (scores.Count - 1));

            double baseline = Composition.RandomBaseline(d_model, d_head, samples, new Generator(seed));

            Assert.That(baseline, Is.EqualTo(mean).Within(5 * sd / Math.Sqrt(samples)),
                $"the mean score of {samples} pairs of random ({d_model}×{d_head})({d_head}×{d_model}) products should be about {mean:F3} (±{sd / Math.Sqrt(samples):F3}); " +
                "each W_A and W_B is a product of two independent standard normal matrices of those shapes, drawn from the generator given, and the baseline is the mean of their scores");
        }
    }
}
