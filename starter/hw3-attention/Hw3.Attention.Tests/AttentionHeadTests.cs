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
        using var golden = Golden.Open("head_shapes");
        var head = new AttentionHead(d_model: 16, d_head: 4);
        golden.LoadParameters(head, seeded, scale: 0.3);
        var x = golden.Input("x", () => seeded.RandnCpu([2, 7, 16]));
        var shorter = golden.Input("shorter", () => seeded.RandnCpu([1, 4, 16]));

        var output = head.call(x);

        TensorAssert.Shape(output, [2, 7, 16], "AttentionHead output [batch, pos, d_model]");
        TensorAssert.Shape(head.Pattern, [2, 7, 7], "AttentionHead.Pattern [batch, q_pos, k_pos]");
        // The shapes, of the right values: the reference's output and pattern on the same weights and input.
        golden.AssertClose("out", output, name:
            "AttentionHead output [2, 7, 16] vs the reference's on the same weights and x: the shape is right, the values are not (q, k, v from x, the pattern of their scores, then W_O)");
        golden.AssertClose("pattern", head.Pattern!, name:
            "AttentionHead.Pattern [2, 7, 7] vs the reference's: the shape is right, the values are not (softmax over the keys of the masked scores q k^T / sqrt(d_head))");
        head.call(shorter);
        TensorAssert.Shape(head.Pattern, [1, 4, 4], "AttentionHead.Pattern after a second call on [1, 4, 16]: the pattern of the last forward pass, set on every call");
        golden.AssertClose("shorter_pattern", head.Pattern!, name:
            "AttentionHead.Pattern after a second call on [1, 4, 16] vs the reference's pattern of that input: set it from this call's scores");
    }

    [Test, Points(6)]
    public void Forward_MatchesTheReference_WithTheSameWeights()
    {
        using var seeded = new Seeded(11);
        using var golden = Golden.Open("head_forward");
        var head = new AttentionHead(d_model: 16, d_head: 4);
        golden.LoadParameters(head, seeded, scale: 0.3);
        var x = golden.Input("x", () => seeded.RandnCpu([2, 6, 16]));

        golden.AssertClose("out", head.call(x), "AttentionHead.call(x) [2, 6, 16]: softmax(mask(q k^T / sqrt(d_head))) v, times W_O");
        golden.AssertClose("pattern", head.Pattern!, "AttentionHead.Pattern [2, 6, 6], softmax over the keys of the masked scores q k^T / sqrt(d_head)");
    }

    [Test, Points(4)]
    public void Forward_IsCausal_ChangingLaterTokensLeavesEarlierOutputsUnchanged()
    {
        using var seeded = new Seeded(12);
        using var golden = Golden.Open("head_causal");
        var head = new AttentionHead(d_model: 16, d_head: 8);
        golden.LoadParameters(head, seeded, scale: 0.3);
        var x = golden.Input("x", () => seeded.RandnCpu([2, 8, 16]));
        var changed = x.clone();
        changed[.., 5..] = golden.Input("later", () => seeded.RandnCpu([2, 3, 16]));

        var output = head.call(x);
        var changedOutput = head.call(changed);

        TensorAssert.Close(changedOutput[.., ..5], output[.., ..5], name:
            "outputs at positions 0..4 after changing the inputs at positions 5..7 (a position must not see later ones: check the mask)");
        Assert.That(changedOutput[.., 5..].isclose(output[.., 5..]).logical_not().sum().item<long>(), Is.GreaterThan(0),
            $"entries of the outputs at positions 5..7 (of {output[.., 5..].numel()}) that changed when their inputs did (none: is the output really computed from x?)");
        // Causal, and attention: an output that ignores the other positions (x times a constant) is causal too.
        golden.AssertClose("out", output, name:
            "AttentionHead output vs the reference's on the same weights and x: causal, but not attention (softmax(mask(q k^T / sqrt(d_head))) v W_O)");
        golden.AssertClose("changed_out", changedOutput, name:
            "AttentionHead output on the changed x vs the reference's: causal, but not attention (softmax(mask(q k^T / sqrt(d_head))) v W_O)");
    }
}
