using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.Tests;

public sealed class LmLossTests : TorchTest
{
    [Test, Points(4)]
    public void CrossEntropy_IsTheMeanNegativeLogProbabilityOfTheNextToken()
    {
        // Batch 2, pos 3, vocab 3. Logits at position p predict the token at p + 1, so the targets are tokens[b, 1..2]:
        //   row 0: -log softmax([1, 2, 3])[0] = log(e + e^2 + e^3) - 1,   -log softmax([0, 0, 0])[2] = log 3
        //   row 1: -log softmax([2, 0, 0])[1] = log(e^2 + 2),             -log softmax([0, 1, -1])[1] = log(1 + e + e^-1) - 1
        // The logits of the last position (the 9s) have no target and must not count.
        double expected = (Math.Log(Math.E + Math.Exp(2) + Math.Exp(3)) - 1
                           + Math.Log(3)
                           + Math.Log(Math.Exp(2) + 2)
                           + Math.Log(1 + Math.E + Math.Exp(-1)) - 1) / 4;
        var logits = tensor(new double[]
        {
            1, 2, 3, /**/ 0, 0, 0, /**/ 9, -9, 9,
            2, 0, 0, /**/ 0, 1, -1, /**/ -9, 9, 9,
        }, [2, 3, 3]).to(Device); // [batch, pos, d_vocab]
        var tokens = tensor(new long[] { 2, 0, 2, /**/ 0, 1, 1 }, [2, 3]).to(Device); // [batch, pos]
        var changed = logits.clone();
        changed[.., -1] = tensor(new double[] { -5, 4, 0.5 }).to(Device);

        var loss = LmLoss.CrossEntropy(logits, tokens);

        TensorAssert.Close(loss, tensor(expected).to(Device), name:
            "LmLoss.CrossEntropy on a hand-computed example: the mean over batch and positions 0..pos-2 of " +
            "-log softmax(logits[b, p])[tokens[b, p + 1]] (not shifted, or shifted the wrong way? a sum instead of a mean?)");

        TensorAssert.Close(LmLoss.CrossEntropy(changed, tokens), loss, name:
            "LmLoss.CrossEntropy after changing the logits of the last position: they predict a token after the end of the " +
            "sequence, which has no target, so they must not change the loss");
    }
}
