using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw2.Backprop.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenSoftmaxCrossEntropyTests : TorchTest
{
    [Test, Points(2)]
    public void ForwardAndBackward_AreFiniteAndRight_ForLogitsInTheThousands()
    {
        using var seeded = new Seeded(1300);
        var logits = seeded.Randn([4, 5], ScalarType.Float64) * 1000;
        var targets = seeded.Randint(0, 5, [4]);
        var leaf = Checks.Leaf(logits);
        var expected = nn.functional.cross_entropy(leaf, targets);
        expected.backward();

        var loss = new SoftmaxCrossEntropy();
        var actual = loss.Forward(logits, targets);

        TensorAssert.Close(actual, expected.detach(), name:
            "SoftmaxCrossEntropy.Forward for logits of order 1000 (exp overflows: subtract each row's max before exponentiating)");
        TensorAssert.Close(loss.Backward(), leaf.grad!, name: "SoftmaxCrossEntropy.Backward for logits of order 1000");
    }

    [Test, Points(2)]
    public void Backward_MatchesAutograd_ForABatchOfOne_AndForManyClasses()
    {
        using var seeded = new Seeded(1301);
        foreach (var (batch, classes) in new[] { (1L, 4L), (9L, 12L) })
        {
            var logits = seeded.Randn([batch, classes], ScalarType.Float64) * 2;
            var targets = seeded.Randint(0, classes, [batch]);
            var leaf = Checks.Leaf(logits);
            var expected = nn.functional.cross_entropy(leaf, targets);
            expected.backward();

            var loss = new SoftmaxCrossEntropy();
            TensorAssert.Close(loss.Forward(logits, targets), expected.detach(), name: $"SoftmaxCrossEntropy.Forward, batch {batch}, {classes} classes");
            TensorAssert.Close(loss.Backward(), leaf.grad!, name: $"SoftmaxCrossEntropy.Backward, batch {batch}, {classes} classes (divide by the batch size)");
        }
    }
}
