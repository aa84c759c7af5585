using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw6.Patching.Tests;

public sealed class HeadPatchingTests : TorchTest
{
    [Test, Points(3)]
    public void OutputsByPosition_InTheLastLayer_SumOverPositionsToThePatchOfAllPositions()
    {
        using var golden = Golden.Open("head_outputs");
        var (model, _, _, metric) = Pairs.OnCheckpoint(Pairs.DrawShort(golden), Device);

        var all = HeadPatching.Outputs(model, metric); // [n_layers, n_heads]
        var byPosition = HeadPatching.OutputsByPosition(model, metric); // [n_layers, n_heads, pos]

        TensorAssert.Shape(all, [2, 4], "Outputs: [n_layers, n_heads]");
        TensorAssert.Shape(byPosition, [2, 4, 14], "OutputsByPosition: [n_layers, n_heads, pos]");
        // A last-layer head's output at position p reaches only the residual stream at p, and the metric reads only the last
        // position: the effects of single positions add up (all but the last are zero) to the effect of all of them.
        TensorAssert.Close(byPosition[1].sum([1]), all[1], name: "layer 1: the sum over positions of OutputsByPosition against Outputs");
        golden.AssertClose("short", all, "HeadPatching.Outputs [n_layers, n_heads] on short pairs, each head's clean z patched at every position", axes: ["layer", "head"]);
    }

    [Test, Points(3)]
    public void Outputs_OnShortAndLongPairs_MatchTheReference()
    {
        using var golden = Golden.Open("head_outputs");
        var (model, _, _, shortMetric) = Pairs.OnCheckpoint(Pairs.DrawShort(golden), Device);
        var longMetric = PatchingMetric.Measure(model, PairBatch.Of(Pairs.DrawLong(golden), shortMetric.Vocabulary), shortMetric.Vocabulary);

        golden.AssertClose("short", HeadPatching.Outputs(model, shortMetric), "HeadPatching.Outputs [n_layers, n_heads] on short pairs, each head's clean z patched at every position", axes: ["layer", "head"]);
        golden.AssertClose("long", HeadPatching.Outputs(model, longMetric), "HeadPatching.Outputs [n_layers, n_heads] on long pairs, each head's clean z patched at every position", axes: ["layer", "head"]);
    }

    [Test, Points(3)]
    public void PatternAndValues_OnLongDistancePairs_MatchTheReference()
    {
        using var golden = Golden.Open("pattern_and_values_long");
        var (model, _, _, metric) = Pairs.OnCheckpoint(Pairs.DrawLong(golden), Device);

        var (pattern, values) = HeadPatching.PatternAndValues(model, metric);

        golden.AssertClose("pattern", pattern, "HeadPatching.PatternAndValues(...).Pattern [n_layers, n_heads], each head's clean hook_pattern patched", axes: ["layer", "head"]);
        golden.AssertClose("values", values, "HeadPatching.PatternAndValues(...).Values [n_layers, n_heads], each head's clean hook_v patched", axes: ["layer", "head"]);
    }
}
