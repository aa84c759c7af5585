using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw7.Sae.Tests;

public sealed class SaeForwardTests : TorchTest
{
    [Test, Points(3)]
    public void EncodeAndDecode_MatchTheReference()
    {
        using var golden = Golden.Open("sae_forward");
        using var seeded = new Seeded(700);
        var sae = new SparseAutoencoder(d_in: 6, d_sae: 10);
        golden.LoadParameters(sae, seeded, scale: 0.5); // biases nonzero and decoder rows not unit: every term shows
        var x = golden.Input("x", () => seeded.RandnCpu([4, 6])); // [batch, d_in]

        var z = sae.Encode(x);
        var reconstruction = sae.Decode(z);

        golden.AssertClose("z", z, "SparseAutoencoder.Encode(x) [4, 10]: ReLU((x - b_dec) W_enc + b_enc)", axes: ["input", "latent"]);
        golden.AssertClose("reconstruction", reconstruction, "SparseAutoencoder.Decode(z) [4, 6]: z W_dec + b_dec", axes: ["input", "d_in"]);
    }

    [Test, Points(1)]
    public void Encode_SubtractsTheDecoderBiasBeforeTheEncoder()
    {
        var sae = new SparseAutoencoder(d_in: 3, d_sae: 3).to(Device);
        using (no_grad())
        {
            sae.W_enc.copy_(eye(3, device: Device));
            sae.b_dec.copy_(tensor(new[] { 1f, 2f, 3f }, device: Device));
            sae.b_enc.copy_(tensor(new[] { 0.5f, 0f, -0.5f }, device: Device));
        }
        var x = tensor(new[] { 2f, 2f, 5f }, device: Device).reshape(1, 3);

        var z = sae.Encode(x);

        // (x - b_dec) = [1, 0, 2]; + b_enc = [1.5, 0, 1.5]; ReLU keeps it.
        TensorAssert.Close(z, tensor(new[] { 1.5f, 0f, 1.5f }, device: Device).reshape(1, 3),
            name: "z = ReLU((x - b_dec) W_enc + b_enc) with W_enc = I, x = [2, 2, 5], b_dec = [1, 2, 3], b_enc = [0.5, 0, -0.5]");
    }

    [Test, Points(1)]
    public void Encode_WithK_MatchesTheReference()
    {
        using var golden = Golden.Open("sae_topk_forward");
        using var seeded = new Seeded(701);
        var sae = new SparseAutoencoder(d_in: 6, d_sae: 12, k: 3);
        golden.LoadParameters(sae, seeded, scale: 0.5);
        var x = golden.Input("x", () => seeded.RandnCpu([5, 6])); // [batch, d_in]

        var z = sae.Encode(x);

        golden.AssertClose("z", z, "SparseAutoencoder.Encode(x), k = 3 [5, 12]: ReLU of each row's 3 largest pre-activations, the rest 0", axes: ["input", "latent"]);
    }

    [Test, Points(3)]
    public void Loss_MatchesTheReference()
    {
        using var golden = Golden.Open("sae_loss");
        using var seeded = new Seeded(702);
        var sae = new SparseAutoencoder(d_in: 6, d_sae: 10);
        golden.LoadParameters(sae, seeded, scale: 0.5);
        var x = golden.Input("x", () => seeded.RandnCpu([8, 6])); // [batch, d_in]

        var parts = SaeLoss.Of(sae, x, l1Coefficient: 0.3);

        golden.AssertClose("mse", parts.Mse, "SaeLoss.Of(sae, x, 0.3).Mse, the mean over inputs of the squared error summed over d_in");
        golden.AssertClose("l1", parts.L1, "SaeLoss.Of(sae, x, 0.3).L1, the mean over inputs of Σ_i z_i ‖W_dec[i]‖");
        golden.AssertClose("total", parts.Total, "SaeLoss.Of(sae, x, 0.3).Total, Mse + 0.3 · L1");
    }

    [Test, Points(1)]
    public void Loss_WeighsEachLatentsL1ByItsDecoderRowNorm()
    {
        var sae = new SparseAutoencoder(d_in: 2, d_sae: 2).to(Device);
        using (no_grad())
        {
            sae.W_enc.copy_(eye(2, device: Device));
            sae.W_dec.copy_(tensor(new[] { 3f, 4f, 0f, 2f }, device: Device).reshape(2, 2)); // row norms 5 and 2
        }
        var x = tensor(new[] { 1f, 1f, 2f, 0f }, device: Device).reshape(2, 2); // z = x

        var parts = SaeLoss.Of(sae, x, l1Coefficient: 1);

        // Within 1e-3: float32 rounding (on any machine) moves these by ~1e-5; each mistake named below by 1 or more.

        // Input 1: 1·5 + 1·2 = 7; input 2: 2·5 + 0·2 = 10; mean 8.5.
        Assert.That(parts.L1.ToDouble(), Is.EqualTo(8.5).Within(1e-3),
            "L1 with z = [[1, 1], [2, 0]] and decoder row norms [5, 2]: the mean over inputs of Σ_i z_i ‖W_dec[i]‖ " +
            "(7 and 10). 3 means the norms were left out; sum over the batch gives 17");
        // x̂ = z W_dec: [[3, 6], [6, 8]]; errors [[2, 5], [4, 8]]: (4 + 25 + 16 + 64) / 2 = 54.5.
        Assert.That(parts.Mse.ToDouble(), Is.EqualTo(54.5).Within(1e-3),
            "Mse: the mean over inputs of ‖x̂ − x‖² summed over d_in (a mean over d_in too gives 27.25)");
        Assert.That(parts.Total.ToDouble(), Is.EqualTo(63).Within(1e-3), "Total = Mse + λ · L1 with λ = 1");
    }
}
