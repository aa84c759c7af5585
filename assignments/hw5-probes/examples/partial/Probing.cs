using static TorchSharp.torch;

namespace Hw5.Probes;

/// <summary>Held-out accuracy of a probe, layer by layer.</summary>
public static class Probing
{
    /// <summary>The fraction of <paramref name="predicted"/> <c>[n]</c> equal to <paramref name="labels"/> <c>[n]</c> (both 1 or 0).</summary>
    public static double Accuracy(Tensor predicted, Tensor labels)
    {
        return (predicted.to(ScalarType.Float64) == labels.to(ScalarType.Float64).to(predicted.device)).to(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>
    /// For each layer of <paramref name="train"/> and <paramref name="test"/> (<c>[component, n, d_model]</c>, as
    /// <see cref="ProbeDataset.ResidualsAtVerb"/> gives them): fit with <paramref name="fit"/> on that layer's training
    /// vectors and labels, and score its predictions on that layer's test vectors. Never fit on test data.
    /// </summary>
    public static IReadOnlyList<double> HeldOutAccuracy(Tensor train, Tensor trainLabels, Tensor test, Tensor testLabels, Func<Tensor, Tensor, Func<Tensor, Tensor>> fit)
    {
        var accuracies = new List<double>();
        for (int c = 0; c < train.shape[0]; c++)
        {
            var predict = fit(train[c], trainLabels);
            accuracies.Add(Accuracy(predict(test[c]), testLabels));
        }
        return accuracies;
    }
}
