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
        var (model, _, batch, metric) = Pairs.OnCheckpoint(Pairs.Long, Device);

        var grid = ResidualPatching.Grid(model, metric); // [n_layers, pos]

        TensorAssert.Shape(grid, [2, batch.Length], "the grid: [n_layers, pos]");
        // Before the first block, position p holds only the embedding of p's character and of p: where every clean prompt
        // has its corrupted twin's character, the clean activation is the corrupted one and the patch changes nothing.
        var same = (batch.Clean == batch.Corrupted).all(0); // [pos]
        var layer0 = grid[0].cpu();
        for (long p = 0; p < batch.Length; p++)
        {
            if (same[p].item<bool>())
                Assert.That(layer0[p].ToDouble(), Is.EqualTo(0).Within(1e-5), $"grid[layer 0, position {p}]: every prompt has the same character there in both runs");
        }
        Assert.That(layer0.sum().ToDouble(), Is.GreaterThan(0.5), "patching the subject's characters at layer 0 restores most of the clean behaviour");
    }

    [Test, Points(4)]
    public void Grid_OnLongDistancePairs_MatchesTheReference()
    {
        using var golden = Golden.Open("residual_grid_long");
        var (model, _, _, metric) = Pairs.OnCheckpoint(Pairs.DrawLong(golden), Device);

        golden.AssertClose("grid", ResidualPatching.Grid(model, metric), "ResidualPatching.Grid [n_layers, pos]: the metric after patching clean resid_pre at (layer, position)", axes: ["layer", "position"]);
    }
}
