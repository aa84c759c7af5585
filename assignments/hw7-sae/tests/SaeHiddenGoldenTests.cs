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

        golden.AssertClose("z", parts.Z, "SaeLoss.Of(sae, x, 0.05).Z [11, 9]: ReLU((x - b_dec) W_enc + b_enc)", axes: ["input", "latent"]);
        golden.AssertClose("reconstruction", parts.Reconstruction, "SaeLoss.Of(sae, x, 0.05).Reconstruction [11, 5]: z W_dec + b_dec", axes: ["input", "d_in"]);
        golden.AssertClose("mse", parts.Mse, "SaeLoss.Of(sae, x, 0.05).Mse, the mean over inputs of the squared error summed over d_in");
        golden.AssertClose("l1", parts.L1, "SaeLoss.Of(sae, x, 0.05).L1, the mean over inputs of Σ_i z_i ‖W_dec[i]‖");
        golden.AssertClose("total", parts.Total, "SaeLoss.Of(sae, x, 0.05).Total, Mse + 0.05 · L1");
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

            golden.AssertClose($"z_k{k}", sae.Encode(x), $"SparseAutoencoder.Encode(x), k = {k} [6, 9]: ReLU of each row's {k} largest pre-activations, the rest 0", axes: ["input", "latent"]);
            golden.AssertClose($"reconstruction_k{k}", sae.forward(x), $"SparseAutoencoder.forward(x), k = {k} [6, 7]: Decode(Encode(x))", axes: ["input", "d_in"]);
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

        golden.AssertClose("grad_after", W_dec.grad!, "W_dec.grad [7, 12] after DecoderNorm.RemoveParallelGradient: each row's part along the row taken out", axes: ["latent", "d_in"]);
        golden.AssertClose("W_dec_after", W_dec.detach(), "W_dec [7, 12] after DecoderNorm.Renormalise: each row divided by its norm", axes: ["latent", "d_in"]);
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
        golden.AssertClose("l0", tensor((float)SaeMetrics.L0(z)), "SaeMetrics.L0(z), the mean over the batch of the number of latents with z > 0");
        golden.AssertClose("fve", tensor((float)SaeMetrics.FractionOfVarianceExplained(x, reconstruction)), "SaeMetrics.FractionOfVarianceExplained(x, x̂), 1 − Σ‖x − x̂‖² / Σ‖x − x̄‖²");
        golden.AssertClose("fraction_dead", tensor((float)SaeMetrics.FractionDead(counts)), "SaeMetrics.FractionDead(counts), the fraction of latents that never fired");
        golden.AssertClose("frequencies", SaeMetrics.Frequencies(counts, 1000).to(ScalarType.Float32), "SaeMetrics.Frequencies(counts, 1000) [d_sae], the fraction of the 1000 inputs each fired on", axes: ["latent"]);
    }

    [Test, Points(1)]
    public void DeadLatents_OverSeveralBatches_MatchTheReference()
    {
        using var golden = Golden.Open("hidden_dead_latents");
        using var seeded = new Seeded(7704);
        var window = new DeadLatents(d_sae: 30, device: Device);
        for (int b = 0; b < 3; b++)
            window.Record(golden.Input($"z{b}", () => nn.functional.relu(seeded.RandnCpu([8, 30]) - 1.5f)));

        golden.AssertClose("counts", window.Counts, "DeadLatents.Counts [30] after 3 batches: in how many inputs each latent had z > 0", axes: ["latent"]);
        golden.AssertClose("dead", window.Dead(), "DeadLatents.Dead() [30] after 3 batches: true where a latent never fired", axes: ["latent"]);
    }

    [Test, Points(1)]
    public void MaxCosines_OnRandomDirections_MatchTheReference()
    {
        using var golden = Golden.Open("hidden_max_cosines");
        using var seeded = new Seeded(7705);
        var directions = golden.Input("directions", () => seeded.RandnCpu([10, 6]));
        var decoder = golden.Input("W_dec", () => seeded.RandnCpu([14, 6]) * 3);

        golden.AssertClose("max_cosines", PlantedFeatures.MaxCosines(directions, decoder), "PlantedFeatures.MaxCosines [10]: each direction's largest cosine with a decoder row", axes: ["planted direction"]);
    }
}
