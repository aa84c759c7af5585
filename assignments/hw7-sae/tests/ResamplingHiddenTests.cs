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
        golden.AssertClose("W_enc", sae.W_enc.detach(), axes: ["d_in", "latent"]);
        golden.AssertClose("b_enc", sae.b_enc.detach(), axes: ["latent"]);
        golden.AssertClose("W_dec", sae.W_dec.detach(), axes: ["latent", "d_in"]);
        golden.AssertClose("W_dec_exp_avg_sq", adam.MomentsOf(sae.W_dec).ExpAvgSq, axes: ["latent", "d_in"]);
        golden.AssertClose("W_enc_exp_avg", adam.MomentsOf(sae.W_enc).ExpAvg, axes: ["d_in", "latent"]);
        golden.AssertClose("b_enc_exp_avg", adam.MomentsOf(sae.b_enc).ExpAvg, axes: ["latent"]);
    }
}
