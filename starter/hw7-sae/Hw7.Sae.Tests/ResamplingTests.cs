using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hw7.Sae.Tests;

public sealed class ResamplingTests : TorchTest
{
    const int DIn = 8, DSae = 6;
    static bool[] DeadMask => [false, true, false, false, true, false];

    /// <summary>
    /// An SAE with nonzero Adam moments (two steps taken), b_enc ≤ 0, and inputs of which the first 8 are exactly b_dec
    /// (z = 0, so x̂ = b_dec = x: zero loss, never to be drawn) and the last 8 random (high loss). Its W_enc, b_enc, W_dec
    /// and b_dec are read once, here, and returned: the test writes into, builds its inputs from and checks these objects,
    /// never a second read of <c>sae.W_enc</c>, which a property could answer with a decoy (red team 17C, c01).
    /// </summary>
    static (SparseAutoencoder Sae, SaeAdam Adam, Tensor Inputs, SaeParameters Parameters) Setup(Seeded seeded)
    {
        var sae = new SparseAutoencoder(DIn, DSae, seed: 750).to(TestDevice.Current);
        var parameters = new SaeParameters(sae.W_enc, sae.b_enc, sae.W_dec, sae.b_dec);
        using (no_grad())
        {
            parameters.W_enc.copy_(seeded.Randn([DIn, DSae]));
            parameters.W_dec.copy_(seeded.Randn([DSae, DIn]));
            parameters.b_dec.copy_(seeded.Randn([DIn]));
        }
        var adam = new SaeAdam(sae.parameters(), lr: 0.01);
        for (int step = 0; step < 2; step++)
        {
            adam.ZeroGrad();
            SaeLoss.Of(sae, seeded.Randn([16, DIn]), 0.1).Total.backward();
            adam.Step();
        }
        using (no_grad()) parameters.b_enc.copy_(-seeded.Rand([DSae]) - 0.1f);
        var inputs = cat([parameters.b_dec.detach().unsqueeze(0).expand(8, DIn), seeded.Randn([8, DIn]) * 3]); // [16, d_in]
        return (sae, adam, inputs, parameters);
    }

    /// <summary>An SAE's parameters as a test read them, once.</summary>
    sealed record SaeParameters(Parameter W_enc, Parameter b_enc, Parameter W_dec, Parameter b_dec);

    static Tensor[] Snapshot(SaeParameters parameters, SaeAdam adam)
    {
        var tensors = new List<Tensor>();
        foreach (var p in new[] { parameters.W_enc, parameters.b_enc, parameters.W_dec, parameters.b_dec })
        {
            tensors.Add(p.detach().clone());
            tensors.Add(adam.MomentsOf(p).ExpAvg.clone());
            tensors.Add(adam.MomentsOf(p).ExpAvgSq.clone());
        }
        return [.. tensors];
    }

    [Test, Points(2)]
    public void Resample_PointsEachDeadLatentAtAHighLossInput()
    {
        using var seeded = new Seeded(751);
        var (sae, adam, inputs, parameters) = Setup(seeded);
        var live = tensor(DeadMask.Select(d => !d).ToArray());
        var liveEncoderNorm = linalg.vector_norm(parameters.W_enc.detach(), dims: [0]).cpu().masked_select(live).mean().ToDouble();
        using var generator = new Generator(752, CPU);

        var revived = Resampling.Resample(sae, adam, tensor(DeadMask).to(Device), inputs.clone(), generator);

        Assert.That(revived, Is.EqualTo(2), "Resample returns how many latents it revived (2 are dead)");
        var candidates = inputs - parameters.b_dec.detach(); // [16, d_in]
        candidates = candidates / linalg.vector_norm(candidates, dims: [1], keepdim: true); // NaN for the zero-loss inputs
        var picked = new List<long>();
        foreach (var latent in new[] { 1, 4 })
        {
            var row = parameters.W_dec.detach()[latent];
            Assert.That(row.isfinite().logical_not().sum().item<long>(), Is.Zero,
                $"entries of decoder row {latent} that are not finite, of {row.numel()}: an input of zero reconstruction loss (x = b_dec) was drawn; draw with probability ∝ loss²");
            var distance = linalg.vector_norm(candidates - row, dims: [1]).nan_to_num(1e9).cpu(); // [16]
            var best = distance.argmin().item<long>();
            // A unit vector computed another way (or under another machine's rounding) is within a few 1e-6; a wrong one is O(1) away.
            Assert.That(distance[best].ToDouble(), Is.Not.NaN.And.LessThan(1e-4),
                $"decoder row {latent} of the dead latent is not the unit vector along (x_j − b_dec) of any input j");
            Assert.That(best, Is.GreaterThanOrEqualTo(8), $"dead latent {latent} was pointed at input {best}, whose loss is 0; draw with probability ∝ loss²");
            picked.Add(best);
            TensorAssert.Close(parameters.W_enc.detach()[.., latent], row * (0.2f * liveEncoderNorm),
                name: $"encoder column {latent}: the new decoder row times 0.2 × the mean encoder-column norm of the live latents ({liveEncoderNorm:G4})", axes: ["d_in"]);
            Assert.That(parameters.b_enc.detach()[latent].ToDouble(), Is.EqualTo(0), $"b_enc[{latent}] of a revived latent is 0");
        }
        Assert.That(picked.Distinct().Count(), Is.EqualTo(2), "the two dead latents get two different inputs (draw without replacement)");
    }

    [Test, Points(2)]
    public void Resample_LeavesLiveLatentsExactlyAsTheyWere_AndClearsOnlyTheDeadOnesAdamMoments()
    {
        using var seeded = new Seeded(753);
        var (sae, adam, inputs, parameters) = Setup(seeded);
        var before = Snapshot(parameters, adam);
        var inputsBefore = inputs.clone();
        using var generator = new Generator(754, CPU);

        Resampling.Resample(sae, adam, tensor(DeadMask).to(Device), inputs, generator);

        TensorAssert.Close(inputs, inputsBefore, Tolerance.Exact,
            "the inputs given to Resample changed: it may change only the SAE and its Adam moments; work on x_j − b_dec as a new tensor (x − b_dec, not x.sub_)");
        var after = Snapshot(parameters, adam);
        string[] names = ["W_enc", "b_enc", "W_dec", "b_dec"];
        string[] kinds = ["", " (Adam's first moment)", " (Adam's second moment)"];
        for (int p = 0; p < 4; p++)
        {
            var latentDim = names[p] == "W_enc" ? 1 : 0;
            for (int k = 0; k < 3; k++)
            {
                var (was, now) = (before[3 * p + k], after[3 * p + k]);
                var name = names[p] + kinds[k];
                if (names[p] == "b_dec")
                {
                    TensorAssert.Close(now, was, Tolerance.Exact, $"{name}: resampling does not touch b_dec");
                    continue;
                }
                for (int latent = 0; latent < DSae; latent++)
                {
                    var (wasSlice, nowSlice) = (was.select(latentDim, latent), now.select(latentDim, latent));
                    if (!DeadMask[latent])
                        TensorAssert.Close(nowSlice, wasSlice, Tolerance.Exact, $"{name} of live latent {latent}: resampling must leave it bit for bit");
                    else if (k > 0)
                        TensorAssert.Close(nowSlice, zeros_like(wasSlice), Tolerance.Exact,
                            $"{name} of dead latent {latent}: clear it (the optimiser's memory of the dead weights) when resampling");
                }
            }
        }
    }

    [Test, Points(1)]
    public void Resample_WithNoDeadLatents_ChangesNothing_AndWithNoLiveOnes_ScalesByOne()
    {
        using var seeded = new Seeded(755);
        var (sae, adam, inputs, parameters) = Setup(seeded);
        var before = Snapshot(parameters, adam);
        using var generator = new Generator(756, CPU);

        var revived = Resampling.Resample(sae, adam, zeros(DSae, ScalarType.Bool, Device), inputs, generator);

        Assert.That(revived, Is.EqualTo(0), "nothing dead, nothing revived");
        var after = Snapshot(parameters, adam);
        for (int i = 0; i < before.Length; i++) TensorAssert.Close(after[i], before[i], Tolerance.Exact, $"tensor {i} of the SAE and its moments");

        // With every latent dead there are no live encoder norms to average: the scale is then 1, so each column's norm is 0.2.
        Resampling.Resample(sae, adam, ones(DSae, ScalarType.Bool, Device), inputs, generator);
        var norms = linalg.vector_norm(parameters.W_enc.detach(), dims: [0]); // [d_sae]
        TensorAssert.AllFinite(norms, "the encoder column norms after resampling every latent (with none live, the scale is 1, not the mean of no norms, which is NaN)");
        TensorAssert.Close(norms.to(ScalarType.Float64), full(DSae, Resampling.EncoderScale, ScalarType.Float64, Device), Tolerance.For(ScalarType.Float32, Device.type),
            "the encoder column norms after resampling every latent: with none live, the mean live norm counts as 1, so each column is 0.2 × its unit direction");
    }
}
