using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw7.Sae.Tests;

public sealed class SaeDeadLatentsTests : TorchTest
{
    [Test, Points(1)]
    public void Record_CountsEachLatentsFiringsOverTheWindow_AndDeadIsNeverFired()
    {
        var window = new DeadLatents(d_sae: 4, device: Device);
        window.Record(tensor(new[] { 0f, 2f, 0f, 0f, 0f, 1f, 0f, 0.5f }, device: Device).reshape(2, 4));
        window.Record(tensor(new[] { 3f, 0.1f, 0f, 0f }, device: Device).reshape(1, 4));

        TensorAssert.Close(window.Counts, tensor(new long[] { 1, 3, 0, 1 }, device: Device),
            name: "Counts after two batches: in how many inputs (rows) each latent had z > 0, summed over batches", axes: ["latent"]);
        TensorAssert.Close(window.Dead(), tensor(new[] { false, false, true, false }, device: Device),
            name: "Dead(): the latents that never fired in the window (Counts == 0)", axes: ["latent"]);

        window.Reset();
        window.Record(tensor(new[] { 0f, 0f, 1f, 0f }, device: Device).reshape(1, 4));
        TensorAssert.Close(window.Dead(), tensor(new[] { true, true, false, true }, device: Device),
            name: "Dead() after Reset and one batch where only latent 2 fired", axes: ["latent"]);
    }
}
