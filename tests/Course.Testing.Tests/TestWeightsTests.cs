using NUnit.Framework;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Testing.Tests;

public class TestWeightsTests : TorchTest
{
    static string FailureOf(Action write) => Assert.Throws<AssertionException>(() => write())!.Message;

    [Test]
    public void GivenParametersOfTheDrawsShapes_WhenWritten_ThenEachHoldsItsDrawExactly()
    {
        using var seeded = new Seeded(3);
        var (w, b) = (new Parameter(zeros(3, 2)), new Parameter(zeros(2)));
        var (drawnW, drawnB) = (seeded.RandnCpu([3, 2]) * 0.3, seeded.RandnCpu([2]));

        TestWeights.Write([("Layer.W", w, drawnW), ("Layer.b", b, drawnB)]);

        TensorAssert.Close(w, drawnW, Tolerance.Exact);
        TensorAssert.Close(b, drawnB, Tolerance.Exact);
        Assert.That(w.requires_grad, Is.True, "a parameter stays one");
        Assert.That(w.grad, Is.Null, "writing records no gradient");
    }

    [Test]
    public void GivenAParameterOfAnotherShape_WhenWritten_ThenTheFailureNamesItAndTheConstructor()
    {
        var message = FailureOf(() => TestWeights.Write("Linear.W", new Parameter(zeros(2, 3)), ones(3, 2)));

        Assert.That(message, Does.StartWith("Linear.W (its shape is fixed by the constructor you were given): shape mismatch: got [2, 3], expected [3, 2]"));
    }

    [Test]
    public void GivenAnIntegerParameter_WhenWritten_ThenItFailsRatherThanRoundingTheDrawToZeros()
    {
        // An int64 parameter would hold randn * 0.3 as zeros, and expected values computed from the draw would not be the model's.
        var message = FailureOf(() => TestWeights.Write("Head.W_Q", new Parameter(zeros([4, 2], ScalarType.Int64), requires_grad: false), randn(4, 2) * 0.3));

        Assert.That(message, Does.StartWith("Head.W_Q's dtype: got Int64, expected Float32, as the constructor you were given makes it"));
    }

    [Test]
    public void GivenTwoParametersThatShareOneTensor_WhenWritten_ThenTheOneOverwrittenFails()
    {
        var shared = new Parameter(zeros(2, 2));
        using var seeded = new Seeded(4);

        var message = FailureOf(() => TestWeights.Write([("Head.W_Q", shared, seeded.RandnCpu([2, 2])), ("Head.W_K", shared, seeded.RandnCpu([2, 2]))]));

        Assert.That(message, Does.StartWith("Head.W_Q does not hold the values the test wrote into it: it shares its tensor with another parameter"));
    }

    [Test]
    public void GivenANullParameter_WhenWritten_ThenTheFailureSaysSo()
    {
        var message = FailureOf(() => TestWeights.Write("Linear.b", null, zeros(3)));

        Assert.That(message, Does.StartWith("Linear.b (its shape is fixed by the constructor you were given): got null"));
    }
}
