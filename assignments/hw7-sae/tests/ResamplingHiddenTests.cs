using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw7.Sae.HiddenTests;

public sealed class ResamplingHiddenTests : TorchTest
{
    [Test, Points(2)]
    public void Resample_OnOtherInputs_MatchesTheReference()
    {
        using var golden = Golden.Open("hidden_resampling");
        using var seeded = new Seeded(7710);
        var sae = new SparseAutoencoder(d_in: 10, d_sae: 12);
        golden.LoadParameters(sae, seeded, scale: 0.4);
        var adam = new SaeAdam(sae.parameters(), lr: 0.01);
        var batch = golden.Input("batch", () => seeded.RandnCpu([32, 10]));
        for (int step = 0; step < 3; step++)
        {
            adam.ZeroGrad();
            SaeLoss.Of(sae, batch, 0.2).Total.backward();
            adam.Step();
        }
        var dead = golden.Input("dead", () => tensor(new[] { false, true, true, false, false, false, true, false, false, false, false, true }));
        var inputs = golden.Input("inputs", () => seeded.RandnCpu([40, 10]) * 2);
        using var generator = new Generator(7711, CPU);

        var revived = Resampling.Resample(sae, adam, dead, inputs, generator);

        Assert.That(revived, Is.EqualTo(4), "4 dead latents revived");
        golden.AssertClose("W_enc", sae.W_enc.detach(), "W_enc [d_in, d_sae] after Resampling.Resample: revived columns along x_j - b_dec, scaled; live ones kept", axes: ["d_in", "latent"]);
        golden.AssertClose("b_enc", sae.b_enc.detach(), "b_enc [d_sae] after Resampling.Resample: 0 for the revived latents, kept for live ones", axes: ["latent"]);
        golden.AssertClose("W_dec", sae.W_dec.detach(), "W_dec [d_sae, d_in] after Resampling.Resample: revived rows the unit vector along x_j - b_dec", axes: ["latent", "d_in"]);
        golden.AssertClose("W_dec_exp_avg_sq", adam.MomentsOf(sae.W_dec).ExpAvgSq, "Adam's ExpAvgSq of W_dec after Resampling.Resample: 0 in the revived rows, kept elsewhere", axes: ["latent", "d_in"]);
        golden.AssertClose("W_enc_exp_avg", adam.MomentsOf(sae.W_enc).ExpAvg, "Adam's ExpAvg of W_enc after Resampling.Resample: 0 in the revived columns, kept elsewhere", axes: ["d_in", "latent"]);
        golden.AssertClose("b_enc_exp_avg", adam.MomentsOf(sae.b_enc).ExpAvg, "Adam's ExpAvg of b_enc after Resampling.Resample: 0 for the revived latents, kept elsewhere", axes: ["latent"]);
    }
}
