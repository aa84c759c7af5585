using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw2.Backprop.Tests;

public sealed class SoftmaxCrossEntropyTests : TorchTest
{
    [Test, Points(3)]
    public void Forward_IsTheMeanCrossEntropy_AsTorchComputesIt()
    {
        using var seeded = new Seeded(400);
        var logits = seeded.Randn([6, 4], ScalarType.Float64) * 3;
        var targets = seeded.Randint(0, 4, [6]);

        var expected = nn.functional.cross_entropy(logits, targets);
        var loss = new SoftmaxCrossEntropy().Forward(logits, targets);

        TensorAssert.Shape(loss, [], "SoftmaxCrossEntropy.Forward: the loss is a 0-dimensional tensor (the mean over the batch)");
        TensorAssert.Close(loss, expected, name:
            "SoftmaxCrossEntropy.Forward(logits, targets): expected the mean over the batch of -log softmax(logits)[i, targets[i]]");
    }

    [Test, Points(4)]
    public void Backward_IsSoftmaxMinusOneHotOverTheBatch_AsAutogradGives()
    {
        using var seeded = new Seeded(401);
        var logits = seeded.Randn([5, 3], ScalarType.Float64) * 2;
        var targets = seeded.Randint(0, 3, [5]);
        var leaf = logits.detach().clone().requires_grad_(true);
        nn.functional.cross_entropy(leaf, targets).backward();

        var loss = new SoftmaxCrossEntropy();
        loss.Forward(logits, targets);

        TensorAssert.Close(loss.Backward(), leaf.grad!, name:
            "SoftmaxCrossEntropy.Backward(), dL/dlogits [batch, classes]: expected (softmax(logits) - onehot(targets)) / batch");
    }

    [Test, Points(2)]
    public void Backward_MatchesCentralDifferences()
    {
        using var seeded = new Seeded(402);
        var logits = seeded.Randn([4, 5], ScalarType.Float64);
        var targets = seeded.Randint(0, 5, [4]);
        var loss = new SoftmaxCrossEntropy();

        var numeric = NumericalGradient.Central(() => loss.Forward(logits, targets).ToDouble(), logits);
        loss.Forward(logits, targets);

        TensorAssert.Close(loss.Backward(), numeric, Differences.Tolerance, "SoftmaxCrossEntropy.Backward() vs central differences");
    }
}
