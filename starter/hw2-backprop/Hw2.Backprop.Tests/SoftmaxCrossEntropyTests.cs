using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw2.Backprop.Tests;

public sealed class SoftmaxCrossEntropyTests : TorchTest
{
    [Test, Points(3)]
    public void Forward_IsTheMeanCrossEntropy_AsTorchComputesIt_InTheLogitsDtype()
    {
        using var seeded = new Seeded(400);
        var logits = seeded.Randn([6, 4], ScalarType.Float64) * 3;
        var targets = seeded.Randint(0, 4, [6]);

        var expected = nn.functional.cross_entropy(logits, targets);
        var logits32 = logits.to(ScalarType.Float32);
        var expected32 = nn.functional.cross_entropy(logits32, targets);
        var loss = new SoftmaxCrossEntropy().Forward(logits, targets);

        TensorAssert.Shape(loss, [], "SoftmaxCrossEntropy.Forward: the loss is a 0-dimensional tensor (the mean over the batch)");
        TensorAssert.Close(loss, expected, name:
            "SoftmaxCrossEntropy.Forward(logits, targets): expected the mean over the batch of -log softmax(logits)[i, targets[i]]");
        TensorAssert.Close(new SoftmaxCrossEntropy().Forward(logits32, targets), expected32, name:
            "SoftmaxCrossEntropy.Forward of float32 logits: the loss in the logits' dtype, float32 (convert back what you compute in float64)");
    }

    [Test, Points(4)]
    public void Backward_IsSoftmaxMinusOneHotOverTheBatch_AsAutogradGives_EachTimeItIsAsked()
    {
        using var seeded = new Seeded(401);
        var logits = seeded.Randn([5, 3], ScalarType.Float64) * 2;
        var targets = seeded.Randint(0, 3, [5]);
        var leaf = logits.detach().clone().requires_grad_(true);
        nn.functional.cross_entropy(leaf, targets).backward();
        var (logits32, expected32) = (logits.to(ScalarType.Float32), leaf.grad!.to(ScalarType.Float32));
        var smallerLogits = seeded.Randn([2, 3], ScalarType.Float64) * 2;
        var smallerTargets = seeded.Randint(0, 3, [2]);
        var smallerLeaf = smallerLogits.detach().clone().requires_grad_(true);
        nn.functional.cross_entropy(smallerLeaf, smallerTargets).backward();

        var loss = new SoftmaxCrossEntropy();
        loss.Forward(logits, targets);

        Differences.AssertWrittenOut(loss.Backward(), leaf.grad!,
            "SoftmaxCrossEntropy.Backward(), dL/dlogits [batch, classes]: expected (softmax(logits) - onehot(targets)) / batch");
        TensorAssert.Close(loss.Backward(), leaf.grad!, name:
            "SoftmaxCrossEntropy.Backward() asked a second time after the same Forward: the gradient of the last Forward again (compute it out of place, not sub_ on the cached probabilities)");
        loss.Forward(smallerLogits, smallerTargets);
        Differences.AssertWrittenOut(loss.Backward(), smallerLeaf.grad!,
            "SoftmaxCrossEntropy.Backward() after a Forward of a batch of 5, then one of 2: the gradient of the last Forward, divided by its batch size 2 (take the sizes from what that Forward kept, not from the first)");
        var loss32 = new SoftmaxCrossEntropy();
        loss32.Forward(logits32, targets);
        TensorAssert.Close(loss32.Backward(), expected32, name:
            "SoftmaxCrossEntropy.Backward() after a Forward of float32 logits: float32, the logits' dtype (make the one-hot in the probabilities' dtype, not float64)");
    }

    [Test, Points(2)]
    public void Backward_MatchesCentralDifferences()
    {
        using var seeded = new Seeded(402);
        var logits = seeded.Randn([4, 5], ScalarType.Float64);
        var targets = seeded.Randint(0, 5, [4]);
        var loss = new SoftmaxCrossEntropy();
        var expectedLoss = nn.functional.cross_entropy(logits, targets);

        var numeric = NumericalGradient.Central(() => loss.Forward(logits, targets).ToDouble(), logits);
        var value = loss.Forward(logits, targets);

        TensorAssert.Close(loss.Backward(), numeric, Differences.Tolerance, "SoftmaxCrossEntropy.Backward() vs central differences");
        TensorAssert.Close(value, expectedLoss, name:
            "SoftmaxCrossEntropy.Forward(logits, targets) whose differences were taken: expected the mean over the batch of -log softmax(logits)[i, targets[i]] (the gradient agrees with your Forward, but it is not the cross-entropy)");
    }
}
