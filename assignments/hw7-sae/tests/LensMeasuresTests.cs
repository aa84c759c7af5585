using Course.Lens;
using Course.Lens.Agreement;
using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw7.Sae.HiddenTests;

/// <summary>The tiny GPT part's measures on other inputs than the public tests'.</summary>
public sealed class LensMeasuresTests : TorchTest
{
    [Test, Points(1)]
    public void Auroc_OnScoresWithManyTies_IsThePairwiseWinRate_AndLabelsOfOneClassAreRefused()
    {
        using var seeded = new Seeded(740);
        var scores = (seeded.Rand([300]).cpu() * 8).floor(); // 8 values: many ties within and across the classes
        var labels = seeded.Rand([300]).cpu() > 0.6;
        double[] s = scores.data<float>().ToArray().Select(v => (double)v).ToArray();
        bool[] y = labels.data<bool>().ToArray();
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < s.Length; i++)
            for (int j = 0; j < s.Length; j++)
            {
                if (!y[i] || y[j]) continue;
                pairs++;
                wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
            }

        Assert.That(Auroc.Of(scores.to(Device), labels.to(Device)), Is.EqualTo(wins / pairs).Within(1e-12), "the fraction of (positive, negative) pairs the positive wins, ties one half");
        foreach (var oneClass in new[] { true, false })
            Assert.Throws<System.ArgumentException>(() => Auroc.Of(scores.to(Device), (oneClass ? ones(300, dtype: ScalarType.Bool) : zeros(300, dtype: ScalarType.Bool)).to(Device)),
                $"Auroc.Of with every label {oneClass}: no (positive, negative) pair exists, so it throws ArgumentException as its doc says instead of returning 0/0");
    }

    [Test, Points(1)]
    public void LossRecovered_OfAShrunkenReconstruction_MatchesTheReference()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var batch = AgreementBatch.Of([.. AgreementPrompts.Sample(6, 741, Clause.SubjectRelative), .. AgreementPrompts.Sample(6, 742, Clause.None)], vocabulary);
        using var golden = Golden.Open("loss_recovered_shrunk");
        using var seeded = new Seeded(745);
        // Shrunk and shifted, as a real SAE's reconstruction is (b_dec): reconstruct(0) is not 0, so a zero-ablated run that
        // goes through the reconstruction, not zeros, gets another ZeroAblated. Not a constant shift, which LayerNorm removes.
        var shift = golden.Input("shift", () => seeded.RandnCpu([64]) * 0.5); // [d_model]

        var result = LossRecovered.Measure(model, vocabulary, batch, "blocks.0.hook_resid_post", x => x * 0.7 + shift);

        golden.AssertClose("losses", tensor(new[] { (float)result.Clean, (float)result.Spliced, (float)result.ZeroAblated }));
    }

    [Test, Points(1)]
    public void ResidualActivations_OfMixedLengths_MatchTheReference()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var batch = AgreementBatch.Of([.. AgreementPrompts.Sample(5, 743, Clause.ObjectRelative), .. AgreementPrompts.Sample(5, 744, Clause.None)], vocabulary);
        using var golden = Golden.Open("residual_activations");

        golden.AssertClose("activations", ResidualSae.Activations(model, batch, "blocks.0.hook_resid_mid"), axes: ["token", "d_model"]);
        golden.AssertClose("at_verb", ResidualSae.AtVerb(model, batch, "blocks.0.hook_resid_mid"), axes: ["prompt", "d_model"]);
    }
}
