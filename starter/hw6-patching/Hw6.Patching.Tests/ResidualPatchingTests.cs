using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw6.Patching.Tests;

public sealed class ResidualPatchingTests : TorchTest
{
    [Test, Points(3)]
    public void Grid_AtLayer0_IsZeroWhereverCleanAndCorruptedShareTheCharacter()
    {
        var (model, vocabulary, batch, metric) = Pairs.OnCheckpoint(Pairs.Long, Device);
        var same = (batch.Clean == batch.Corrupted).all(0); // [pos]
        // Where the twins differ, a layer-0 cell is measured here before any homework call: the corrupted run with the clean
        // blocks.0.hook_resid_pre at that one position, scored from the test's own runs.
        long[] differing = [.. Enumerable.Range(0, (int)batch.Length).Where(p => !same[p].item<bool>()).Select(p => (long)p)];
        var expected = tensor(Pairs.PatchedScores(model, batch, Pairs.Long, vocabulary, "blocks.0.hook_resid_pre",
            differing.Select(p => (arange(batch.Length) == p).reshape(1, batch.Length, 1)))); // masks [1, pos, 1]

        var grid = ResidualPatching.Grid(model, metric); // [n_layers, pos]

        TensorAssert.Shape(grid, [2, batch.Length], "the grid: [n_layers, pos]");
        // Before the first block, position p holds only the embedding of p's character and of p: where every clean prompt
        // has its corrupted twin's character, the clean activation is the corrupted one and the patch changes nothing.
        var layer0 = grid[0].cpu();
        for (long p = 0; p < batch.Length; p++)
        {
            if (same[p].item<bool>())
                Assert.That(layer0[p].ToDouble(), Is.EqualTo(0).Within(1e-5), $"grid[layer 0, position {p}]: every prompt has the same character there in both runs");
        }
        Assert.That(layer0.sum().ToDouble(), Is.GreaterThan(0.5), "patching the subject's characters at layer 0 restores most of the clean behaviour");
        TensorAssert.Close(layer0[tensor(differing)], expected, name:
            $"grid[layer 0] at the positions where the twins differ ({string.Join(", ", differing)}): the score of the corrupted run with only that position's clean blocks.0.hook_resid_pre, measured here by running the model so (likely bug: the cells are not the scores of patched runs)");
    }

    [Test, Points(4)]
    public void Grid_OnLongDistancePairs_MatchesTheReference()
    {
        using var golden = Golden.Open("residual_grid_long");
        var (model, _, _, metric) = Pairs.OnCheckpoint(Pairs.DrawLong(golden), Device);

        golden.AssertClose("grid", ResidualPatching.Grid(model, metric), "ResidualPatching.Grid [n_layers, pos]: the metric after patching clean resid_pre at (layer, position)", axes: ["layer", "position"]);
    }
}
