using Course.Lens;
using Course.Lens.Agreement;
using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw7.Sae.Tests;

public sealed class ResidualSaeTests : TorchTest
{
    /// <summary>
    /// The activation at <paramref name="hookName"/> <c>[batch, pos, d_model]</c> on a plain run, read with the test's own
    /// hook as the given <c>ResidualSae.Read</c> reads it: Read sits in a file you hand in, so the expected rows never come
    /// from it (a Read edited to give zeros would make zeros the expected answer).
    /// </summary>
    static Tensor ReadWithTheTestsHook(HookedTransformer model, AgreementBatch batch, string hookName)
    {
        Tensor? seen = null;
        using var noGrad = no_grad();
        using (model.Hook(hookName).AddHook((activation, _) => { seen = activation.detach().clone(); return null; }))
            model.call(batch.Tokens.to(model.W_E.device));
        return seen ?? throw new InvalidOperationException($"the forward pass never reached {hookName}");
    }

    [Test, Points(2)]
    public void Activations_AreEveryRealPositionOfEveryPrompt_InOrder_WithoutThePadding()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var batch = AgreementBatch.Of([.. AgreementPrompts.Sample(3, 710, Clause.None), .. AgreementPrompts.Sample(2, 711, Clause.ObjectRelative)], vocabulary);
        var lengths = batch.Prompts.Select(p => p.VerbPosition + 1).ToArray(); // read before homework code has the batch
        var realPositions = batch.Prompts.Sum(p => p.Text.Length);
        var full = ReadWithTheTestsHook(model, batch, "blocks.1.hook_resid_pre"); // [batch, pos, d_model]
        var expected = cat([.. lengths.Select((length, b) => full[b, ..length])], 0);

        var activations = ResidualSae.Activations(model, batch, "blocks.1.hook_resid_pre");

        TensorAssert.Close(activations, expected, name: $"the rows of {realPositions} real positions, prompt by prompt");
        Assert.That(model.HookedPointNames(), Is.Empty, "hook points that still have hooks");
    }

    [Test, Points(1)]
    public void AtVerb_IsEachPromptsLastRealPosition()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var batch = AgreementBatch.Of(AgreementPrompts.Sample(6, 712, Clause.SubjectRelative), vocabulary);
        var verbs = batch.Prompts.Select(p => p.VerbPosition).ToArray(); // read before homework code has the batch
        var full = ReadWithTheTestsHook(model, batch, "blocks.0.hook_resid_post"); // [batch, pos, d_model]
        var expected = stack([.. verbs.Select((verb, b) => full[b, verb])]);

        TensorAssert.Close(ResidualSae.AtVerb(model, batch, "blocks.0.hook_resid_post"), expected, name: "the activation at each prompt's verb position");
    }

    [Test, Points(1)]
    public void Train_StartsFromTheSeededInit_WithBDecAtTheActivationsMean()
    {
        using var seeded = new Seeded(713);
        var activations = seeded.Randn([500, 8]) * 2 + 3; // [n, d_model], mean about 3
        var mean = activations.mean([0]); // [d_model]

        var (sae, history) = ResidualSae.Train(activations, 16, new SaeTrainingOptions(1, 0, 32), seed: 5);
        var fresh = new SparseAutoencoder(8, 16, seed: 5);

        Assert.That(history.Loss, Is.Empty, "no steps were asked for");
        TensorAssert.Close(sae.b_dec, mean, name: "b_dec before any step: the mean activation");
        TensorAssert.Close(sae.W_dec, fresh.W_dec.to(Device), name: "W_dec before any step: SparseAutoencoder's init with the same seed");
    }

    [Test, Points(1)]
    public void Train_DrawsEveryRow_WithReplacement_FromAGeneratorSeededByItsSeed()
    {
        // Four rows of very different norms, one drawn a step (BatchSize 1), and a learning rate of 0, so that the SAE stays at
        // its seeded init with b_dec at the mean: each step's Mse, Σ_d (x̂ − x)², says which row that step drew.
        using var seeded = new Seeded(714);
        var directions = seeded.Randn([4, 8]);
        var norms = tensor(new[] { 1f, 10f, 100f, 1000f }, device: Device).reshape(4, 1);
        var activations = directions / linalg.vector_norm(directions, dims: [1], keepdim: true) * norms; // [n, d_model]
        var b_dec = activations.mean([0]); // [d_model]
        float[] RowMse(long seed) // [n]: each row's Mse under the SAE's init from seed
        {
            var init = new SparseAutoencoder(8, 16, seed: seed);
            var z = ((activations - b_dec).matmul(init.W_enc.detach().to(Device)) + init.b_enc.detach().to(Device)).relu(); // [n, d_sae]
            return (z.matmul(init.W_dec.detach().to(Device)) + b_dec - activations).pow(2).sum([1]).cpu().to_type(ScalarType.Float32).data<float>().ToArray();
        }
        var rowMseBySeed = new Dictionary<long, float[]> { [6] = RowMse(6), [7] = RowMse(7) }; // read before homework code has the activations
        var options = new SaeTrainingOptions(L1Coefficient: 0, Steps: 100, BatchSize: 1, LearningRate: 0);

        int[] Draws(long globalSeed, long seed = 6)
        {
            var rowMse = rowMseBySeed[seed];
            manual_seed(globalSeed); // the global generator, which Train must not draw from
            var (_, history) = ResidualSae.Train(activations, 16, options, seed: seed);
            return [.. history.Mse.Select((mse, step) =>
            {
                // 1e-3 of the value: far above float32's rounding of a sum of 8 squares, ten times below the rows' closest gap (1%).
                var row = Array.FindIndex(rowMse, expected => Math.Abs(mse - expected) <= 1e-3 * expected);
                Assert.That(row, Is.GreaterThanOrEqualTo(0), $"step {step}'s Mse {mse:G6} is none of the rows' [{string.Join(", ", rowMse.Select(m => m.ToString("G6")))}]: " +
                    "each step should reconstruct one row of the activations, drawn with replacement (if no step's matches any row, check first " +
                    "that SparseAutoencoder's own tests pass: each row's Mse sums its squared error over d_model)");
                return row;
            })];
        }
        var draws = Draws(1);

        Assert.That(draws.Distinct().Order(), Is.EqualTo(new[] { 0, 1, 2, 3 }),
            "rows drawn in 100 draws of 4 (each is missed with probability 0.75^100): draw from randint(0, rows), whose upper bound is exclusive");
        Assert.That(Draws(2), Is.EqualTo(draws),
            "the same seed after another torch.manual_seed drew other rows: draw from a Generator seeded by seed, not the global one");
        Assert.That(Draws(1, seed: 7).SequenceEqual(draws), Is.False,
            "seed 7 drew the same 100 rows as seed 6: the draws ignore seed; draw from a Generator seeded by seed (new Generator((ulong)seed, CPU)), not from one of a fixed seed");
        // Batches of 4 rows of the 4: drawn without replacement, each is all 4 rows and has the same Mse; with replacement, 9 in 10 repeat a row.
        var (_, batches) = ResidualSae.Train(activations, 16, options with { Steps = 20, BatchSize = 4 }, seed: 6);
        Assert.That(batches.Mse.Max() - batches.Mse.Min(), Is.GreaterThan(1e-3 * batches.Mse.Max()),
            $"20 batches of 4 rows drawn from 4 all had the same Mse ({batches.Mse.Max():G6}), as if each held every row once: draw with replacement, randint(0, rows, [n])");

        // The sampler gives as many rows as it is asked for: BatchSize for a batch, ResampleInputs for resampling's candidates.
        // After one batch of 2 inputs about a quarter of 64 latents have fired on neither, far more than 2, and Resample
        // draws that many distinct candidates, so it needs the 256 it was promised, not a batch of 2.
        var many = seeded.Randn([256, 8]); // [n, d_model]
        var resampling = new SaeTrainingOptions(L1Coefficient: 0, Steps: 2, BatchSize: 2, LearningRate: 0, ResampleAt: [1], ResampleInputs: 256);
        SaeHistory? revived = null;
        Assert.That(() => revived = ResidualSae.Train(many, 64, resampling, seed: 7).History, Throws.Nothing,
            "ResidualSae.Train with ResampleAt [1], BatchSize 2 and ResampleInputs 256: sample(n) must give n rows, so that resampling's candidates are ResampleInputs rows, not a batch");
        Assert.That(revived!.Resampled.Select(r => r.Step), Is.EqualTo(new[] { 1 }), "the steps ResidualSae.Train resampled at, with ResampleAt [1]");
        Assert.That(revived.Resampled[0].Count, Is.GreaterThan(2), "the latents revived at step 1: the many dead after one batch of 2");
    }
}
