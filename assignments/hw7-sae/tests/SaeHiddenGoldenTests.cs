using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw7.Sae.HiddenTests;

public sealed class SaeHiddenGoldenTests : TorchTest
{
    [Test, Points(1)]
    public void ForwardAndLoss_OnOtherShapes_MatchTheReference()
    {
        using var golden = Golden.Open("hidden_sae_forward_loss");
        using var seeded = new Seeded(7700);
        var sae = new SparseAutoencoder(d_in: 5, d_sae: 9);
        golden.LoadParameters(sae, seeded, scale: 0.7);
        var x = golden.Input("x", () => seeded.RandnCpu([11, 5])); // [batch, d_in]

        var parts = SaeLoss.Of(sae, x, l1Coefficient: 0.05);

        golden.AssertClose("z", parts.Z, axes: ["input", "latent"]);
        golden.AssertClose("reconstruction", parts.Reconstruction, axes: ["input", "d_in"]);
        golden.AssertClose("mse", parts.Mse);
        golden.AssertClose("l1", parts.L1);
        golden.AssertClose("total", parts.Total);
    }

    [Test, Points(1)]
    public void TopKForward_OnOtherShapes_MatchesTheReference()
    {
        using var seeded = new Seeded(7701);
        foreach (var k in new[] { 1, 4 })
        {
            using var golden = Golden.Open($"hidden_sae_top{k}"); // one file per SAE: LoadParameters names inputs by parameter
            var sae = new SparseAutoencoder(d_in: 7, d_sae: 9, k: k);
            golden.LoadParameters(sae, seeded, scale: 0.6);
            var x = golden.Input($"x_k{k}", () => seeded.RandnCpu([6, 7]));

            golden.AssertClose($"z_k{k}", sae.Encode(x), axes: ["input", "latent"]);
            golden.AssertClose($"reconstruction_k{k}", sae.forward(x), axes: ["input", "d_in"]);
        }
    }

    [Test, Points(1)]
    public void DecoderNorm_OnOtherShapes_MatchesTheReference()
    {
        using var golden = Golden.Open("hidden_decoder_norm");
        using var seeded = new Seeded(7702);
        var sae = new SparseAutoencoder(d_in: 12, d_sae: 7).to(Device);
        var rows = golden.Input("W_dec", () => seeded.RandnCpu([7, 12]) * 2);
        var grad = golden.Input("grad", () => seeded.RandnCpu([7, 12]));
        var W_dec = sae.W_dec; // read once: written, given its gradient and checked through this object (red team 17C, c01)
        using (no_grad()) W_dec.copy_(rows);
        (W_dec * grad).sum().backward();

        DecoderNorm.RemoveParallelGradient(sae);
        DecoderNorm.Renormalise(sae);

        golden.AssertClose("grad_after", W_dec.grad!, axes: ["latent", "d_in"]);
        golden.AssertClose("W_dec_after", W_dec.detach(), axes: ["latent", "d_in"]);
    }

    [Test, Points(1)]
    public void Metrics_OnRandomInputs_MatchTheReference()
    {
        using var golden = Golden.Open("hidden_metrics");
        using var seeded = new Seeded(7703);
        var z = golden.Input("z", () => nn.functional.relu(seeded.RandnCpu([20, 15]) - 0.8f)); // [batch, d_sae]
        var x = golden.Input("x", () => seeded.RandnCpu([20, 6]) + 3); // [batch, d_in], far from 0: FVE around the mean differs
        var reconstruction = golden.Input("reconstruction", () => x.cpu() + 0.5f * seeded.RandnCpu([20, 6]));
        var counts = golden.Input("counts", () => seeded.Randint(0, 3, [15]).cpu() * seeded.Randint(0, 40, [15]).cpu());

        // Compared as float32 (the course's float32 budget): a student may compute these in float32.
        golden.AssertClose("l0", tensor((float)SaeMetrics.L0(z)));
        golden.AssertClose("fve", tensor((float)SaeMetrics.FractionOfVarianceExplained(x, reconstruction)));
        golden.AssertClose("fraction_dead", tensor((float)SaeMetrics.FractionDead(counts)));
        golden.AssertClose("frequencies", SaeMetrics.Frequencies(counts, 1000).to(ScalarType.Float32), axes: ["latent"]);
    }

    [Test, Points(1)]
    public void DeadLatents_OverSeveralBatches_MatchTheReference()
    {
        using var golden = Golden.Open("hidden_dead_latents");
        using var seeded = new Seeded(7704);
        var window = new DeadLatents(d_sae: 30, device: Device);
        for (int b = 0; b < 3; b++)
            window.Record(golden.Input($"z{b}", () => nn.functional.relu(seeded.RandnCpu([8, 30]) - 1.5f)));

        golden.AssertClose("counts", window.Counts, axes: ["latent"]);
        golden.AssertClose("dead", window.Dead(), axes: ["latent"]);
    }

    [Test, Points(1)]
    public void MaxCosines_OnRandomDirections_MatchTheReference()
    {
        using var golden = Golden.Open("hidden_max_cosines");
        using var seeded = new Seeded(7705);
        var directions = golden.Input("directions", () => seeded.RandnCpu([10, 6]));
        var decoder = golden.Input("W_dec", () => seeded.RandnCpu([14, 6]) * 3);

        golden.AssertClose("max_cosines", PlantedFeatures.MaxCosines(directions, decoder), axes: ["planted direction"]);
    }
}
