using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.Tests;

public sealed class TrainerTests : TorchTest
{
    [Test, Points(1)]
    public void RandomWindows_AreContiguousSlicesOfTheTokens_AndReproducibleForASeed()
    {
        // tokens[i] = 100 + i, so a window is contiguous exactly when it counts up by one from a start in 100..192.
        var tokens = arange(100, 200, ScalarType.Int64).to(Device); // [n = 100]

        Tensor Draw()
        {
            using var generator = new Generator(5, CPU);
            return Trainer.RandomWindows(tokens, batchSize: 6, seqLen: 8, generator);
        }
        var windows = Draw();

        TensorAssert.Shape(windows, [6, 8], "Trainer.RandomWindows(tokens [100], batchSize: 6, seqLen: 8) [batch, seqLen]");
        Assert.That(windows.dtype, Is.EqualTo(ScalarType.Int64), "RandomWindows dtype: token ids are int64");
        var starts = windows.cpu()[.., ..1]; // [batch, 1]
        Assert.That(starts.ge(100).logical_and(starts.le(192)).logical_not().sum().item<long>(), Is.Zero,
            $"windows of the 6 whose first token lies outside 100..192, that is, whose start lies outside 0..n - seqLen = 0..92 (first tokens [{string.Join(", ", starts.flatten().data<long>().ToArray())}])");
        Assert.That(starts.unique().output.numel(), Is.GreaterThan(1),
            $"first tokens of the windows [{string.Join(", ", starts.flatten().data<long>().ToArray())}]: 6 starts drawn uniformly from 93 cannot all be equal; draw one start per window");
        TensorAssert.Close(windows.cpu(), starts + arange(8, ScalarType.Int64), Tolerance.Exact,
            "each window must be seqLen consecutive tokens, tokens[s], tokens[s + 1], ..., tokens[s + 7]");
        TensorAssert.Close(Draw(), windows, Tolerance.Exact,
            "a second RandomWindows call with a new generator of the same seed must give the same windows: draw the starts with the generator you are given");
    }

    [Test, Points(2)]
    public void TrainStep_WithAdamW_LowersTheLossOnAFixedBatch_LikeAPlainTrainingLoop()
    {
        var cfg = new Config(d_model: 16, n_layers: 1, n_heads: 2, d_head: 8, d_mlp: 32, d_vocab: 7, n_ctx: 8);
        using var seeded = new Seeded(800);
        var model = new Transformer(cfg);
        model.to(Device);
        var twin = new Transformer(cfg); // the same weights, trained by the loop written out below
        twin.to(Device);
        twin.load_state_dict(model.state_dict());
        var batch = seeded.Randint(0, 7, [4, 8]);
        // Gradients left over from an earlier backward, such as a training loop or a probe of the model leaves: TrainStep
        // clears them before its own backward, so its first step is the clean step of the loop below.
        (model.call(seeded.Randint(0, 7, [4, 8])).sum() * 10).backward();

        var optimizer = optim.AdamW(model.parameters(), lr: 1e-2);
        var losses = Enumerable.Range(0, 20).Select(_ => Trainer.TrainStep(model, optimizer, batch.clone())).ToList();

        var twinOptimizer = optim.AdamW(twin.parameters(), lr: 1e-2);
        var expected = new List<double>();
        for (int step = 0; step < 6; step++)
        {
            twinOptimizer.zero_grad();
            var loss = LmLoss.CrossEntropy(twin.call(batch), batch);
            loss.backward();
            twinOptimizer.step();
            expected.Add(loss.ToDouble()); // the student's loss, read in any float dtype (a hidden test checks that it is float32)
        }
        static string Show(IEnumerable<double> values) => string.Join(", ", values.Select(l => l.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)));
        var shown = Show(losses);
        Assert.That(losses.Count(double.IsNaN), Is.Zero,
            $"losses of TrainStep that are NaN, of [{shown}]: the forward pass or the loss makes NaN (a mask that hides a whole row, a log of 0), " +
            "so make the model's and LmLoss's tests pass first");
        Assert.That(losses[0], Is.EqualTo(Math.Log(7)).Within(0.1),
            "the first loss TrainStep returns: a freshly initialised model (init_range 0.02) predicts about uniformly over 7 tokens, " +
            "so its loss is about log 7 = 1.95; return the loss computed before the optimiser step");
        Assert.That(losses[..6], Is.EqualTo(expected).Within(1e-4),
            $"the first 6 losses of TrainStep [{Show(losses[..6])}] vs [{Show(expected)}] of a loop of zero_grad, LmLoss.CrossEntropy(model.call(batch), batch), " +
            "backward, step on a copy of the model: equal at first, then apart? Clear the gradients at the start of each TrainStep, before its backward, " +
            "so that they do not add up (the model held gradients of another loss before the first step)");
        Assert.That(losses[^1], Is.Not.NaN.And.LessThan(0.5 * losses[0]),
            $"losses over 20 TrainSteps on one batch with AdamW(lr 1e-2) [{shown}] must fall: backpropagate the loss and step the optimiser");
    }
}
