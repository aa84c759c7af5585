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
            $"SoftmaxCrossEntropy.Forward for logits of order 1000, the mean over 4 rows{ForwardHint(actual, expected, 4)}");
        // Only the default tolerance here: for logits of order 1000 an exact formula's rounding is that of the logits
        // (logits - logsumexp loses ulps of 1000, about 1e-13 each), not of the result, so Tolerance.Float64Rounding would fail
        // correct solutions. Finite differences are caught by the other tests, on logits of order 1.
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
            Checks.AssertWrittenOut(loss.Backward(), leaf.grad!, $"SoftmaxCrossEntropy.Backward, batch {batch}, {classes} classes (divide by the batch size)");
        }
    }

    /// <summary>What a loss that differs from <paramref name="expected"/> over a batch of <paramref name="batch"/> fits: overflow, a sum, or neither.</summary>
    static string ForwardHint(Tensor? actual, Tensor expected, long batch)
    {
        if (actual is null || actual.numel() != 1 || !actual.is_floating_point())
            return "";
        double got = actual.detach().ToDouble(), want = expected.detach().ToDouble();
        if (!double.IsFinite(got))
            return ": not finite, as exp of logits of order 1000 overflows: subtract each row's max before exponentiating";
        if (Math.Abs(got / want - batch) <= 0.01 * batch)
            return $": {batch} times the mean, so a sum over the {batch} rows instead of their mean? (Forward's tests on small logits check it)";
        return " (subtract each row's max before exponentiating, or exp overflows; if Forward's tests on small logits fail, fix that first)";
    }
}
