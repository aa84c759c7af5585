using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw7.Sae.Tests;

public sealed class SaeTopKTests : TorchTest
{
    [Test, Points(1)]
    public void Keep_KeepsTheKLargest_ThroughAReLU_AndZerosTheRest()
    {
        var pre = tensor(new[] { -1f, 3f, 2f, -0.5f, 0.25f, -2f, 1f, 4f }, device: Device).reshape(2, 4);

        var two = TopK.Keep(pre, 2);
        var three = TopK.Keep(pre, 3);

        TensorAssert.Close(two, tensor(new[] { 0f, 3f, 2f, 0f, 0f, 0f, 1f, 4f }, device: Device).reshape(2, 4),
            name: "TopK.Keep(pre, 2) of [[-1, 3, 2, -0.5], [0.25, -2, 1, 4]]", axes: ["input", "latent"]);
        TensorAssert.Close(three, tensor(new[] { 0f, 3f, 2f, 0f, 0.25f, 0f, 1f, 4f }, device: Device).reshape(2, 4),
            name: "TopK.Keep(pre, 3): the third largest of row 0 is -0.5, kept through a ReLU as 0", axes: ["input", "latent"]);
    }

    [Test, Points(1)]
    public void Keep_KeepsExactlyKPerRow_EvenWhenValuesTie()
    {
        using var seeded = new Seeded(710);
        var pre = cat([ones(3, 16) * 0.5f, seeded.Randn([3, 16]).cpu().abs().round()]).to(Device); // many ties, all >= 0.5 in rows 0-2

        var before = pre.cpu().clone();

        var z = TopK.Keep(pre, 5);

        var perRow = (z > 0).sum([1]).cpu();
        for (int row = 0; row < 3; row++)
            Assert.That(perRow[row].item<long>(), Is.EqualTo(5),
                $"row {row} (all 16 pre-activations equal to 0.5) has {perRow[row].item<long>()} nonzero latents after TopK.Keep(pre, 5); " +
                "keep exactly k per row (take topk's indices, do not threshold at the k-th value)");
        Assert.That((perRow <= 5).logical_not().sum().item<long>(), Is.Zero, $"rows that keep more than k = 5 latents after TopK.Keep(pre, 5) (nonzero latents per row: [{string.Join(", ", perRow.data<long>().ToArray())}])");

        var (zc, prec) = (z.cpu(), before);
        var kept = zc > 0;
        TensorAssert.Close(zc, where(kept, prec.relu(), zeros_like(prec)),
            name: "TopK.Keep(pre, 5): expected ReLU(pre) at the kept latents and 0 elsewhere (scatter the ReLU of topk's values at its indices)");
        var smallestKept = where(kept, prec, full_like(prec, double.PositiveInfinity)).min(1).values;
        var largestDropped = where(kept, full_like(prec, double.NegativeInfinity), prec).max(1).values;
        Assert.That((smallestKept >= largestDropped).logical_not().sum().item<long>(), Is.Zero,
            $"rows of the {prec.shape[0]} where TopK.Keep dropped a pre-activation larger than one it kept: keep the k largest of each row (topk along the last dim)");
    }
}
