using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw3.Attention.Tests;

public sealed class AttentionHeadTests : TorchTest
{
    [Test, Points(2)]
    public void Forward_ReturnsBatchPosDModel_AndKeepsPatternBatchQueryKey()
    {
        using var seeded = new Seeded(10);
        var head = new AttentionHead(d_model: 16, d_head: 4);
        head.to(Device);

        var output = head.call(seeded.Randn([2, 7, 16]));

        TensorAssert.Shape(output, [2, 7, 16], "AttentionHead output [batch, pos, d_model]");
        TensorAssert.Shape(head.Pattern, [2, 7, 7], "AttentionHead.Pattern [batch, q_pos, k_pos]");
        head.call(seeded.Randn([1, 4, 16]));
        TensorAssert.Shape(head.Pattern, [1, 4, 4], "AttentionHead.Pattern after a second call on [1, 4, 16]: the pattern of the last forward pass, set on every call");
    }

    [Test, Points(6)]
    public void Forward_MatchesTheReference_WithTheSameWeights()
    {
        using var seeded = new Seeded(11);
        using var golden = Golden.Open("head_forward");
        var head = new AttentionHead(d_model: 16, d_head: 4);
        golden.LoadParameters(head, seeded, scale: 0.3);
        var x = golden.Input("x", () => seeded.RandnCpu([2, 6, 16]));

        golden.AssertClose("out", head.call(x));
        golden.AssertClose("pattern", head.Pattern!);
    }

    [Test, Points(4)]
    public void Forward_IsCausal_ChangingLaterTokensLeavesEarlierOutputsUnchanged()
    {
        using var seeded = new Seeded(12);
        var head = new AttentionHead(d_model: 16, d_head: 8, init_range: 0.3);
        head.to(Device);
        var x = seeded.Randn([2, 8, 16]);
        var changed = x.clone();
        changed[.., 5..] = seeded.Randn([2, 3, 16]);

        var output = head.call(x);
        var changedOutput = head.call(changed);

        TensorAssert.Close(changedOutput[.., ..5], output[.., ..5], name:
            "outputs at positions 0..4 after changing the inputs at positions 5..7 (a position must not see later ones: check the mask)");
        Assert.That(changedOutput[.., 5..].allclose(output[.., 5..]), Is.False,
            "outputs at positions 5..7 did not change when their inputs did: is the output really computed from x?");
    }
}
