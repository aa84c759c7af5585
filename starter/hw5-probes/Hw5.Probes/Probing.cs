using static TorchSharp.torch;

namespace Hw5.Probes;

/// <summary>Held-out accuracy of a probe, layer by layer.</summary>
public static class Probing
{
    /// <summary>The fraction of <paramref name="predicted"/> <c>[n]</c> equal to <paramref name="labels"/> <c>[n]</c> (both 1 or 0).</summary>
    public static double Accuracy(Tensor predicted, Tensor labels)
    {
        throw new NotImplementedException("Probing.Accuracy: compare as float64 on one device, average");
    }

    /// <summary>
    /// For each layer of <paramref name="train"/> and <paramref name="test"/> (<c>[component, n, d_model]</c>, as
    /// <see cref="ProbeDataset.ResidualsAtVerb"/> gives them): fit with <paramref name="fit"/> on that layer's training
    /// vectors and labels, and score its predictions on that layer's test vectors. Never fit on test data.
    /// </summary>
    public static IReadOnlyList<double> HeldOutAccuracy(Tensor train, Tensor trainLabels, Tensor test, Tensor testLabels, Func<Tensor, Tensor, Func<Tensor, Tensor>> fit)
    {
        throw new NotImplementedException("Probing.HeldOutAccuracy: for each component c: predict = fit(train[c], trainLabels); Accuracy(predict(test[c]), testLabels)");
    }
}
