using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenTrainerTests : TorchTest
{
    static readonly Config Small = new(d_model: 16, n_layers: 1, n_heads: 2, d_head: 8, d_mlp: 32, d_vocab: 10, n_ctx: 16);
    static readonly TrainingConfig Short = new(steps: 7, batch_size: 4, seq_len: 12, lr: 1e-2, seed: 3);

    /// <summary>A fresh model from manual_seed(5), trained on <paramref name="tokens"/> after the global RNG is moved to <paramref name="globalSeed"/>.</summary>
    static double[] TrainFresh(Tensor tokens, TrainingConfig cfg, long globalSeed)
    {
        manual_seed(5);
        var model = new Transformer(Small);
        model.to(Device);
        manual_seed(globalSeed); // the windows come from new Generator(cfg.seed), not from the global generator
        return Trainer.Train(model, tokens, cfg).ToArray();
    }

    [Test, Points(1)]
    public void Train_ReturnsOneFiniteLossPerStep_AndTheSameSeedsGiveTheSameLosses()
    {
        using var seeded = new Seeded(460);
        var tokens = seeded.Randint(0, 10, [300]);

        var losses = TrainFresh(tokens, Short, globalSeed: 100);
        var again = TrainFresh(tokens, Short, globalSeed: 200);
        var otherWindows = TrainFresh(tokens, Short with { seed = 4 }, globalSeed: 100);

        Assert.That(losses, Has.Length.EqualTo(Short.steps), "Trainer.Train must return the loss of every one of cfg.steps steps");
        Assert.That(losses.All(double.IsFinite), Is.True, $"Trainer.Train returned non-finite losses: [{string.Join(", ", losses)}]");
        TensorAssert.Close(tensor(again).to(ScalarType.Float32), tensor(losses).to(ScalarType.Float32), Tolerance.For(ScalarType.Float32, Device.type),
            "the losses of a second run with the same init seed and cfg.seed (and another global RNG state): draw the windows " +
            "with new Generator(cfg.seed), and take nothing else from the global generator");
        Assert.That(otherWindows.SequenceEqual(losses), Is.False, "cfg.seed = 4 gave the same losses as cfg.seed = 3: seed the window generator with cfg.seed");
    }

    [Test, Points(1)]
    public void RandomWindows_AreConsecutiveTokens_StartingAnywhereFrom0ToNMinusSeqLen()
    {
        const long n = 10, seqLen = 4, batch = 3000;
        using var generator = new Generator(461, CPU);
        var tokens = arange(n, ScalarType.Int64).to(Device) + 100; // token i is 100 + i

        var windows = Trainer.RandomWindows(tokens, batch, seqLen, generator);

        TensorAssert.Shape(windows, [batch, seqLen], "RandomWindows(tokens [10], 3000, 4)");
        Assert.That(windows.device_type, Is.EqualTo(Device.type), "RandomWindows must return the windows on the device of the tokens");
        var starts = windows[.., 0] - 100; // [batch]
        TensorAssert.Close(windows, starts.unsqueeze(1) + arange(seqLen, ScalarType.Int64, Device) + 100, Tolerance.Exact,
            "RandomWindows rows: seqLen consecutive tokens, tokens[s], tokens[s + 1], ..., tokens[s + seqLen - 1]");
        var counts = starts.cpu().bincount(null, n).data<long>().ToArray();
        double p = 1.0 / (n - seqLen + 1), bound = 5 * Math.Sqrt(batch * p * (1 - p));
        for (long s = 0; s < n; s++)
        {
            if (s > n - seqLen)
                Assert.That(counts[s], Is.Zero, $"a window started at {s}, but n - seqLen = {n - seqLen} is the last start with a full window");
            else
                Assert.That(Math.Abs(counts[s] - batch * p), Is.LessThanOrEqualTo(bound),
                    $"{counts[s]} of {batch} windows started at {s}; every start in 0..n - seqLen = 0..{n - seqLen} should get about {batch * p:F0} " +
                    $"(counts of starts 0..{n - 1}: [{string.Join(", ", counts)}]). Is the upper bound of randint exclusive?");
        }
    }
}
