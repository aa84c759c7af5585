using Course.Lens;
using Course.Lens.Agreement;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
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

    [Test, Points(0.5)] // 0.5 to LossRecovered_OnAModelOfAnotherDModel_SplicesRowsOfThatDModel
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

        golden.AssertClose("losses", tensor(new[] { (float)result.Clean, (float)result.Spliced, (float)result.ZeroAblated }), "[Clean, Spliced, ZeroAblated] of LossRecovered.Measure at blocks.0.hook_resid_post, x̂ = 0.7 x + shift");
    }

    [Test, Points(0.5)] // taken from LossRecovered_OfAShrunkenReconstruction_MatchesTheReference
    public void LossRecovered_OnAModelOfAnotherDModel_SplicesRowsOfThatDModel()
    {
        // Every other test of Measure runs on the tiny GPT, whose d_model is 64: this model's is 32, so the activation's
        // last axis is too.
        var vocabulary = TinyGpt.Load().Vocabulary;
        using var seeded = new Seeded(748);
        var model = new HookedTransformer(new HookedTransformerConfig(d_model: 32, n_layers: 2, n_heads: 2, d_head: 8, d_mlp: 64, d_vocab: vocabulary.Size));
        using (no_grad())
        {
            foreach (var (_, parameter) in model.named_parameters()) parameter.copy_(seeded.RandnCpu(parameter.shape) * 0.5);
        }
        model.to(Device);
        var batch = AgreementBatch.Of([.. AgreementPrompts.Sample(3, 746, Clause.None), .. AgreementPrompts.Sample(2, 747, Clause.ObjectRelative)], vocabulary);
        var shift = seeded.Randn([32]) * 0.5; // [d_model]: shrunk and shifted, as in the test on the tiny GPT
        const string Hook = "blocks.0.hook_resid_post";
        long rows = batch.Tokens.numel(); // [batch, pos]

        // The three losses computed here, with the test's own hooks and the given PromptLoss, before homework code has the model.
        Tensor Loss(Func<Tensor, Tensor>? replace)
        {
            using var noGrad = no_grad();
            using var handle = replace is null ? null : model.Hook(Hook).AddHook((activation, _) => replace(activation));
            return PromptLoss.Of(model.call(batch.Tokens.to(Device)), batch, vocabulary);
        }
        var expected = stack([Loss(null), Loss(x => x * 0.7 + shift), Loss(x => zeros_like(x))]).cpu(); // [clean, spliced, zero-ablated]

        var shapes = new List<long[]>();
        var result = LossRecovered.Measure(model, vocabulary, batch, Hook, x => { shapes.Add(x.shape); return x * 0.7 + shift; });

        Assert.That(shapes.Select(s => string.Join("x", s)), Is.Not.Empty.And.All.EqualTo($"{rows}x32"),
            "the rows Measure gives the reconstruction on a model of d_model 32: [batch * pos, d_model], with d_model the activation's last axis (not the tiny GPT's 64)");
        TensorAssert.Close(tensor(new[] { (float)result.Clean, (float)result.Spliced, (float)result.ZeroAblated }), expected,
            name: "[Clean, Spliced, ZeroAblated] of LossRecovered.Measure on a model of d_model 32 at blocks.0.hook_resid_post, reconstruct(x) = 0.7 x + shift");
    }

    [Test, Points(1)]
    public void ResidualActivations_OfMixedLengths_MatchTheReference()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var batch = AgreementBatch.Of([.. AgreementPrompts.Sample(5, 743, Clause.ObjectRelative), .. AgreementPrompts.Sample(5, 744, Clause.None)], vocabulary);
        using var golden = Golden.Open("residual_activations");

        golden.AssertClose("activations", ResidualSae.Activations(model, batch, "blocks.0.hook_resid_mid"), "ResidualSae.Activations at blocks.0.hook_resid_mid [n_tokens, d_model]: every p ≤ VerbPosition", axes: ["token", "d_model"]);
        golden.AssertClose("at_verb", ResidualSae.AtVerb(model, batch, "blocks.0.hook_resid_mid"), "ResidualSae.AtVerb at blocks.0.hook_resid_mid [batch, d_model]: each prompt's verb position", axes: ["prompt", "d_model"]);
    }
}
