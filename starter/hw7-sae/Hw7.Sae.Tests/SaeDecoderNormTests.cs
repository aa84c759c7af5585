using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw7.Sae.Tests;

public sealed class SaeDecoderNormTests : TorchTest
{
    [Test, Points(1)]
    public void Renormalise_MakesEveryDecoderRowUnit_KeepingItsDirection()
    {
        using var seeded = new Seeded(720);
        var sae = new SparseAutoencoder(d_in: 8, d_sae: 5).to(Device);
        var scales = tensor(new[] { 0.5f, 1f, 1.7f, 3f, 0.1f }, device: Device).reshape(5, 1);
        var weights = seeded.Randn([5, 8]);
        weights = weights / linalg.vector_norm(weights, dims: [1], keepdim: true) * scales; // row norms = scales
        var W_dec = sae.W_dec; // read once: written and checked through this object (red team 17C, c01)
        using (no_grad()) W_dec.copy_(weights);

        DecoderNorm.Renormalise(sae);

        var norms = linalg.vector_norm(W_dec.detach(), dims: [1]).cpu();
        for (int i = 0; i < 5; i++)
            Assert.That(norms[i].ToDouble(), Is.EqualTo(1).Within(1e-5),
                $"decoder row {i} (norm {scales[i, 0].ToDouble()} before) has norm {norms[i].ToDouble():G4} after Renormalise; " +
                "divide each row of W_dec [d_sae, d_in] by its own norm (dim 1), not each column");
        TensorAssert.Close(W_dec.detach(), weights / scales, name: "each row divided by its norm: direction kept", axes: ["latent", "d_in"]);
    }

    [Test, Points(3)]
    public void RemoveParallelGradient_LeavesEachRowsGradientOrthogonalToTheRow_AndDoesNothingWithoutAGradient()
    {
        using var seeded = new Seeded(721);
        const int dIn = 16, dSae = 6;
        var untouched = new SparseAutoencoder(d_in: dIn, d_sae: dSae).to(Device);
        Assert.DoesNotThrow(() => DecoderNorm.RemoveParallelGradient(untouched),
            "RemoveParallelGradient of an SAE whose W_dec has no gradient yet: it does nothing, as its doc says (W_dec.grad is null before any backward)");
        var sae = new SparseAutoencoder(d_in: dIn, d_sae: dSae).to(Device);
        var rows = seeded.Randn([dSae, dIn]) * 1.5f; // rows of norm ~6, not unit: the projection must divide by ‖w_i‖²
        var grad = seeded.Randn([dSae, dIn]);
        var W_dec = sae.W_dec; // read once: written, given its gradient and checked through this object (red team 17C, c01)
        using (no_grad()) W_dec.copy_(rows);
        (W_dec * grad).sum().backward(); // W_dec.grad = grad

        DecoderNorm.RemoveParallelGradient(sae);

        Assert.That(W_dec.grad!.requires_grad, Is.False,
            "W_dec.grad requires grad after RemoveParallelGradient: the projection was recorded in the autograd graph (grad.sub_(c * W_dec) with grad mode on); do it under no_grad");
        var after = W_dec.grad!.detach();
        var dots = (after * rows).sum([1]).cpu(); // [d_sae]
        var gradNorms = linalg.vector_norm(grad, dims: [1]).cpu();
        var rowNorms = linalg.vector_norm(rows, dims: [1]).cpu();
        for (int i = 0; i < dSae; i++)
        {
            // ⟨g_i, w_i⟩ is a sum of d_in terms at the scale ‖g_i‖‖w_i‖, so it is compared at that scale with the
            // course's float32 budget (Tolerance: 16 ulps per operation over 64 dependent operations, 6.1e-5): far above
            // Higham's d_in · 2^-24 rounding bound of the dot product, far below what a wrong sign or a missing
            // division by ‖w_i‖² leaves (about ‖g_i‖‖w_i‖ / √d_in = 0.25 of the scale and more).
            var allowed = Tolerance.For(ScalarType.Float32, DeviceType.CPU).Rtol * gradNorms[i].ToDouble() * rowNorms[i].ToDouble();
            Assert.That(Math.Abs(dots[i].ToDouble()), Is.Not.NaN.And.LessThanOrEqualTo(allowed),
                $"⟨grad_{i}, W_dec[{i}]⟩ = {dots[i].ToDouble():G4} after RemoveParallelGradient (allowed {allowed:G2}); subtract " +
                "(⟨g_i, w_i⟩ / ‖w_i‖²) w_i from each row's gradient (rows, dim 1; minus, not plus; divide by ‖w_i‖² since rows need not be unit)");
        }
        var expected = grad - (grad * rows).sum([1], keepdim: true) / rows.pow(2).sum([1], keepdim: true) * rows;
        TensorAssert.Close(after, expected, name: "the gradient with only its parallel part removed (the orthogonal part unchanged)", axes: ["latent", "d_in"]);
    }

    [Test, Points(1)]
    public void Training_ProjectsEachGradientBeforeTheStep_AndKeepsEveryDecoderRowAtUnitNorm_AfterIt()
    {
        var data = new PlantedFeatures(d_in: 8, n_planted: 12, activeProbability: 0.1, seed: 722);
        using var generator = new Generator(723, CPU);
        foreach (var steps in new[] { 1, 7 })
        {
            var sae = new SparseAutoencoder(d_in: 8, d_sae: 16, seed: 724).to(Device);
            // Train asks for each step's batch before its loss, so the sampler sees the decoder as the step before left it,
            // and (unless the loop zeroes gradients at the end of a step) the gradient that step took. A large learning rate
            // moves rows far off the sphere, and far from where they were, in one step.
            var seen = new List<(float[] Rows, float[]? Grad)>();
            Tensor Sample(long n)
            {
                using var noGrad = no_grad();
                seen.Add((sae.W_dec.detach().cpu().to_type(ScalarType.Float32).data<float>().ToArray(), sae.W_dec.grad?.detach().cpu().to_type(ScalarType.Float32).data<float>().ToArray()));
                return data.Sample(n, generator);
            }
            SaeTraining.Train(sae, Sample, new SaeTrainingOptions(L1Coefficient: 1, Steps: steps, BatchSize: 32, LearningRate: 0.1), generator);

            seen.Add((sae.W_dec.detach().cpu().to_type(ScalarType.Float32).data<float>().ToArray(), sae.W_dec.grad?.detach().cpu().to_type(ScalarType.Float32).data<float>().ToArray()));
            var rtol = Tolerance.For(sae.W_dec).Rtol;
            for (int step = 0; step < steps; step++)
                for (int i = 0; i < 16; i++)
                {
                    var (before, (after, grad)) = (Row(seen[step].Rows, i), (Row(seen[step + 1].Rows, i), seen[step + 1].Grad));
                    Assert.That(Norm(after), Is.EqualTo(1).Within(1e-5),
                        $"decoder row {i} has norm {Norm(after):G3} after step {step + 1} of {steps}; renormalise after each optimiser step, not once at the end");
                    if (grad is null) continue;
                    // The same comparison as RemoveParallelGradient's test: at the scale ‖g_i‖‖w_i‖, within the float budget.
                    var g = Row(grad, i);
                    double dot = g.Zip(before, (a, b) => (double)a * b).Sum(), allowed = rtol * Norm(g) * Norm(before);
                    Assert.That(Math.Abs(dot), Is.Not.NaN.And.LessThanOrEqualTo(allowed),
                        $"step {step + 1} of {steps} took a gradient for decoder row {i} with ⟨grad_{i}, W_dec[{i}]⟩ = {dot:G3} against the row it " +
                        $"started from (allowed {allowed:G2}): call RemoveParallelGradient after backward and before the optimiser step");
                }
        }

        static float[] Row(float[] matrix, int i) => matrix[(i * 8)..((i + 1) * 8)];
        static double Norm(float[] v) => Math.Sqrt(v.Sum(a => (double)a * a));
    }
}
