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
        var pairs = Pairs.DrawShort(golden);
        var (model, vocabulary, batch, metric) = Pairs.OnCheckpoint(pairs, Device);
        // Layer 0's cells where the twins differ, measured here before any homework call: the corrupted run with one head's
        // clean hook_z at one position, scored from the test's own runs.
        var same = (batch.Clean == batch.Corrupted).all(0); // [pos]
        var cells = (from p in Enumerable.Range(0, (int)batch.Length) where !same[p].item<bool>() from h in Enumerable.Range(0, 4) select (Head: h, Position: p)).ToArray();
        var expectedLayer0 = tensor(Pairs.PatchedScores(model, batch, pairs, vocabulary, "blocks.0.attn.hook_z",
            cells.Select(c => ((arange(batch.Length) == c.Position).reshape(1, batch.Length, 1, 1) & (arange(4) == c.Head).reshape(1, 1, 4, 1))))); // masks [1, pos, n_heads, 1]

        var all = HeadPatching.Outputs(model, metric); // [n_layers, n_heads]
        var byPosition = HeadPatching.OutputsByPosition(model, metric); // [n_layers, n_heads, pos]

        TensorAssert.Shape(all, [2, 4], "Outputs: [n_layers, n_heads]");
        TensorAssert.Shape(byPosition, [2, 4, 14], "OutputsByPosition: [n_layers, n_heads, pos]");
        // A last-layer head's output at position p reaches only the residual stream at p, and the metric reads only the last
        // position: the effects of single positions add up (all but the last are zero) to the effect of all of them.
        TensorAssert.Close(byPosition[1].sum([1]), all[1], name: "layer 1: the sum over positions of OutputsByPosition against Outputs");
        var layer0 = byPosition[0].cpu(); // [n_heads, pos]
        TensorAssert.Close(stack(cells.Select(c => layer0[c.Head, c.Position]).ToArray()), expectedLayer0, name:
            $"layer 0 of OutputsByPosition, every head at each position where the twins differ ({string.Join(", ", cells.Select(c => c.Position).Distinct())}), in (position, head) order: the score of the corrupted run with only that head's clean hook_z at that position, measured here by running the model so (likely bug: the cells are not patched runs of one head at one position)");
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
