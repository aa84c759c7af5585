using Course.Lens;
using Course.Lens.Agreement;
using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw6.Patching.HiddenTests;

/// <summary>The homework's grids on the shipped checkpoint against the reference's, stored as goldens, on pairs the public tests do not use.</summary>
public sealed class CheckpointGoldenTests : TorchTest
{
    [Test, Points(3)] // 1 point to OtherShapeTests
    public void ResidualGrid_OnShortPairs_MatchesTheReference()
    {
        var (model, _, _, metric) = HiddenPairs.OnCheckpoint(HiddenPairs.Short, Device);
        using var golden = Golden.Open("residual_grid_short");

        golden.AssertClose("grid", ResidualPatching.Grid(model, metric), "ResidualPatching.Grid [n_layers, pos]: the metric after patching clean resid_pre at (layer, position)", axes: ["layer", "position"]);
    }

    [Test, Points(4)]
    public void HeadOutputsByPosition_OnShortPairs_MatchTheReference()
    {
        var (model, _, _, metric) = HiddenPairs.OnCheckpoint(HiddenPairs.Short, Device);
        using var golden = Golden.Open("head_outputs_by_position_short");

        golden.AssertClose("grid", HeadPatching.OutputsByPosition(model, metric), "HeadPatching.OutputsByPosition [n_layers, n_heads, pos], each head's clean z patched at one position", axes: ["layer", "head", "position"]);
    }

    [Test, Points(3)]
    public void HeadPatternAndValues_OnShortPairs_MatchTheReference()
    {
        var (model, _, _, metric) = HiddenPairs.OnCheckpoint(HiddenPairs.Short, Device);
        using var golden = Golden.Open("pattern_and_values_short");

        var (pattern, values) = HeadPatching.PatternAndValues(model, metric);

        golden.AssertClose("pattern", pattern, "HeadPatching.PatternAndValues(...).Pattern [n_layers, n_heads], each head's clean hook_pattern patched", axes: ["layer", "head"]);
        golden.AssertClose("values", values, "HeadPatching.PatternAndValues(...).Values [n_layers, n_heads], each head's clean hook_v patched", axes: ["layer", "head"]);
    }

    [Test, Points(2)] // 1 point to OtherShapeTests
    public void MeanActivations_OverTheReferenceDataset_MatchTheReference()
    {
        var (model, vocabulary, _, _) = HiddenPairs.OnCheckpoint(HiddenPairs.Short, Device);
        using var golden = Golden.Open("mean_activations");

        var means = MeanActivations.Over(model, PairBatch.Of(HiddenPairs.Reference, vocabulary).Clean.to(Device));

        golden.AssertClose("z", means.Z, "MeanActivations.Over(...).Z [n_layers, n_heads, d_head]: hook_z averaged over prompts and positions", axes: ["layer", "head", "d_head"]);
        golden.AssertClose("mlp_out", means.MlpOut, "MeanActivations.Over(...).MlpOut [n_layers, d_model]: hook_mlp_out averaged over prompts and positions", axes: ["layer", "d_model"]);
    }

    [Test, Points(4)] // 1 point to OtherShapeTests
    public void MeanAblation_UsesTheMeansOfTheReferenceDataset_NotOfTheMeasuredBatch()
    {
        var (model, vocabulary, batch, _) = HiddenPairs.OnCheckpoint(HiddenPairs.Long, Device);
        using var golden = Golden.Open("mean_ablation_long");
        // The means come from other prompts than the ones measured (recorded from the reference's MeanActivations): an
        // ablation that averages over the measured batch instead puts back part of what it removed, and gets other numbers.
        var reference = new Lazy<MeanActivations>(() => MeanActivations.Over(model, PairBatch.Of(HiddenPairs.Reference, vocabulary).Clean.to(Device)));
        var means = new MeanActivations(golden.Input("z_means", () => reference.Value.Z), golden.Input("mlp_means", () => reference.Value.MlpOut));

        var table = Ablations.Mean(model, batch, vocabulary, means);

        golden.AssertClose("head_logit_diff", table.HeadLogitDiff, "Ablations.Mean(...).HeadLogitDiff [n_layers, n_heads]: ablated minus clean mean logit diff", axes: ["layer", "head"]);
        golden.AssertClose("head_loss", table.HeadLoss, "Ablations.Mean(...).HeadLoss [n_layers, n_heads]: ablated minus clean prompt loss", axes: ["layer", "head"]);
        golden.AssertClose("mlp_logit_diff", table.MlpLogitDiff, "Ablations.Mean(...).MlpLogitDiff [n_layers]: ablated minus clean mean logit diff", axes: ["layer"]);
        golden.AssertClose("mlp_loss", table.MlpLoss, "Ablations.Mean(...).MlpLoss [n_layers]: ablated minus clean prompt loss", axes: ["layer"]);
    }

    [Test, Points(3)]
    public void ZeroAblation_OnLongPairs_MatchesTheReference()
    {
        var (model, vocabulary, batch, _) = HiddenPairs.OnCheckpoint(HiddenPairs.Long, Device);
        using var golden = Golden.Open("zero_ablation_long");

        var table = Ablations.Zero(model, batch, vocabulary);

        golden.AssertClose("head_logit_diff", table.HeadLogitDiff, "Ablations.Zero(...).HeadLogitDiff [n_layers, n_heads]: ablated minus clean mean logit diff", axes: ["layer", "head"]);
        golden.AssertClose("head_loss", table.HeadLoss, "Ablations.Zero(...).HeadLoss [n_layers, n_heads]: ablated minus clean prompt loss", axes: ["layer", "head"]);
        golden.AssertClose("mlp_logit_diff", table.MlpLogitDiff, "Ablations.Zero(...).MlpLogitDiff [n_layers]: ablated minus clean mean logit diff", axes: ["layer"]);
        golden.AssertClose("mlp_loss", table.MlpLoss, "Ablations.Zero(...).MlpLoss [n_layers]: ablated minus clean prompt loss", axes: ["layer"]);
        golden.AssertClose("clean_logit_diff_and_loss", tensor(new[] { (float)table.CleanLogitDiff, (float)table.CleanLoss }),
            "Ablations.Zero(...) [CleanLogitDiff, CleanLoss]: the unablated model's mean logit diff and prompt loss");
    }

    [Test, Points(2)] // 1 point to OtherShapeTests
    public void AttributionGrids_OnShortPairs_MatchTheReference()
    {
        var (model, _, _, metric) = HiddenPairs.OnCheckpoint(HiddenPairs.Short, Device);
        using var golden = Golden.Open("attribution_short");

        golden.AssertClose("residual", AttributionPatching.ResidualGrid(model, metric), "AttributionPatching.ResidualGrid [n_layers, pos]: (clean - corrupted) * grad summed over batch, d_model", axes: ["layer", "position"]);
        golden.AssertClose("heads", AttributionPatching.HeadGrid(model, metric), "AttributionPatching.HeadGrid [n_layers, n_heads]: (clean - corrupted) z * grad, summed over the rest", axes: ["layer", "head"]);
    }

    [Test, Points(2)]
    public void MinimalPairs_OfSampledPrompts_MatchTheReference()
    {
        var (_, vocabulary, _) = TinyGpt.Load();
        using var golden = Golden.Open("minimal_pairs");
        List<AgreementPrompt> prompts = [.. AgreementPrompts.Sample(60, 630, Clause.None), .. AgreementPrompts.Sample(60, 631, Clause.ObjectRelative), .. AgreementPrompts.Sample(20, 632, Clause.SubjectRelative)];

        var pairs = MinimalPairs.Of(prompts);

        // The reference's pairs are stored as one text, "clean.corrupted.p" (or ".s" for a singular clean subject) for each,
        // joined by "." (recorded from the reference, read back here), and compared pair by pair.
        static string Line(MinimalPair p) => $"{p.Clean}.{p.Corrupted}.{(p.PluralClean ? "p" : "s")}";
        var stored = golden.Input("pairs", () => tensor(vocabulary.Encode(string.Join(".", pairs.Select(Line)))));
        var expected = vocabulary.Decode(stored.cpu().data<long>().ToArray()).Split('.').Chunk(3).Select(f => string.Join(".", f));
        Assert.That(pairs.Select(Line), Is.EqualTo(expected), "MinimalPairs.Of of 140 sampled prompts, each pair as clean.corrupted.p|s");
    }
}
