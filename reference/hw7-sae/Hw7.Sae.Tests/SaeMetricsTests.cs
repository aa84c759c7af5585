using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw7.Sae.Tests;

public sealed class SaeMetricsTests : TorchTest
{
    [Test, Points(1)]
    public void L0_IsTheMeanNumberOfActiveLatentsPerInput()
    {
        var z = tensor(new[] { 0f, 1f, 2f, 0f, 0f, 0f, 3f, 0f, 0.5f, 0.5f, 0.5f, 0.5f }, device: Device).reshape(3, 4);

        Assert.That(SaeMetrics.L0(z), Is.EqualTo(7.0 / 3).Within(1e-6),
            "L0 of z whose 3 inputs have 2, 1 and 4 active latents: count z > 0 along d_sae, then average over the batch: 7/3");
    }

    [Test, Points(1)]
    public void FractionOfVarianceExplained_ComparesWithTheMeanInput_NotWithZero_AndLeavesItsInputAsItWas()
    {
        var x = tensor(new[] { 1f, 0f, 3f, 0f }, device: Device).reshape(2, 2); // mean [2, 0]: Σ‖x − x̄‖² = 2
        var reconstruction = tensor(new[] { 1.5f, 0f, 2.5f, 0f }, device: Device).reshape(2, 2); // Σ‖x − x̂‖² = 0.5
        var (xAgain, meanInput) = (x.clone(), x.mean([0], keepdim: true).expand(2, 2));

        // Within 1e-5: room for a float32 computation (a few 1e-7) under another machine's rounding; the mistake named gives 0.95.

        Assert.That(SaeMetrics.FractionOfVarianceExplained(x, reconstruction), Is.EqualTo(0.75).Within(1e-5),
            "1 − Σ‖x − x̂‖² / Σ‖x − x̄‖² = 1 − 0.5 / 2 with x̄ the mean over the batch; 0.95 means the variance was taken around 0 (Σ‖x‖² = 10)");
        TensorAssert.Close(x, xAgain, Tolerance.Exact, "x after FractionOfVarianceExplained(x, x̂): a measure leaves its input as it was (x - x̄, not x.sub_(x̄))");
        Assert.That(SaeMetrics.FractionOfVarianceExplained(xAgain, meanInput), Is.EqualTo(0).Within(1e-5),
            "answering the mean input every time explains nothing: 0");
    }

    [Test, Points(1)]
    public void FractionDead_AndFrequencies_ComeFromTheCounts()
    {
        var counts = tensor(new long[] { 0, 5, 0, 10 }, device: Device);

        Assert.That(SaeMetrics.FractionDead(counts), Is.EqualTo(0.5).Within(1e-6), "counts [0, 5, 0, 10]: 2 of 4 latents never fired");
        TensorAssert.Close(SaeMetrics.Frequencies(counts, inputs: 10), tensor(new[] { 0, 0.5, 0, 1 }, device: Device),
            name: "Frequencies(counts [0, 5, 0, 10], 10 inputs): the fraction of inputs each latent fired on, float64", axes: ["latent"]);
    }
}
