using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenLmLossTests : TorchTest
{
    const long batch = 5, pos = 33, d_vocab = 23;

    [Test, Points(1)]
    public void CrossEntropy_EqualsTorchCrossEntropyOfTheShiftedPredictions_AlsoForATargetFarBelowTheMaximum()
    {
        using var seeded = new Seeded(430);
        var logits = seeded.Randn([batch, pos, d_vocab]) * 3;
        var tokens = seeded.Randint(0, d_vocab, [batch, pos]);

        var expected = nn.functional.cross_entropy(logits[.., ..^1].reshape(-1, d_vocab), tokens[.., 1..].reshape(-1));

        var loss = LmLoss.CrossEntropy(logits, tokens);

        TensorAssert.Close(loss, expected, name:
            "LmLoss.CrossEntropy(logits [5, 33, 23], tokens [5, 33]) vs cross_entropy(logits[:, :-1], tokens[:, 1:]): " +
            "a scalar, the mean over batch and the 32 predicted positions (logits at p predict the token at p + 1)");

        // A confident model: the target's logit 200 below the row's maximum. Its float32 probability is 0, so log(softmax) gives
        // +inf, while -log_softmax is 200 + log(1 + 2e^-200) = 200, as cross_entropy computes it.
        var confident = tensor(new float[] { 0, 200, 0, 9, 9, 9 }, [1, 2, 3], device: Device);
        var targets = tensor(new long[] { 2, 0 }, [1, 2], device: Device);
        TensorAssert.Close(LmLoss.CrossEntropy(confident, targets), tensor(200f, device: Device), name:
            "LmLoss.CrossEntropy of logits [0, 200, 0] predicting token 0 (float32): -log_softmax is 200, while log(softmax(x)) of a probability that rounds to 0 is inf; use log_softmax");
    }

    [Test, Points(1)]
    public void CrossEntropy_IgnoresTheLastLogitsAndTheFirstToken()
    {
        using var seeded = new Seeded(431);
        var logits = seeded.Randn([batch, pos, d_vocab]) * 3;
        var tokens = seeded.Randint(0, d_vocab, [batch, pos]);
        var otherLogits = logits.clone();
        otherLogits[.., -1] = seeded.Randn([batch, d_vocab]) * 50;
        var otherTokens = tokens.clone();
        otherTokens[.., 0] = (tokens[.., 0] + 1) % d_vocab;
        var expected = ByHand.Loss(logits.clone(), tokens.clone());
        var expectedChanged = ByHand.Loss(otherLogits.clone(), otherTokens.clone());

        var loss = LmLoss.CrossEntropy(logits, tokens);
        var changed = LmLoss.CrossEntropy(otherLogits, otherTokens);

        TensorAssert.Close(changed, loss, name:
            "LmLoss.CrossEntropy after changing the logits of the last position and the first token: the last position " +
            "has no target, and the first token is never a target");
        TensorAssert.Close(loss, expected, name:
            "LmLoss.CrossEntropy(logits, tokens) vs cross_entropy(logits[:, :-1], tokens[:, 1:]): the mean over the predicted positions");
        TensorAssert.Close(changed, expectedChanged, name:
            "LmLoss.CrossEntropy(logits, tokens) with other last logits and first tokens vs cross_entropy(logits[:, :-1], tokens[:, 1:])");
    }
}
