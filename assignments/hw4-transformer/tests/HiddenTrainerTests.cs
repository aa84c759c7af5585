using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenTrainerTests : TorchTest
{
    static Config Small => new(d_model: 16, n_layers: 1, n_heads: 2, d_head: 8, d_mlp: 32, d_vocab: 10, n_ctx: 16);
    static TrainingConfig Short => new(steps: 7, batch_size: 4, seq_len: 12, lr: 1e-2, seed: 3);

    /// <summary>
    /// A new model on the test device whose weights the test drew (the same every call), never the constructor's: the expected
    /// losses are computed from them, and weights a constructor made zero would make the logits b_U, which a forward pass can
    /// return without computing anything. Training from the student's own init is AgreementTrainingTests' business.
    /// With the model come the draws (float64 on the CPU), what the test computes from, and the parameters they were written
    /// into, by name, as the one read of <c>named_parameters()</c> gave them: never a second read of the model's.
    /// </summary>
    static (Transformer Model, Dictionary<string, Tensor> Drawn, Dictionary<string, TorchSharp.Modules.Parameter> Parameters) Fresh()
    {
        manual_seed(5);
        var model = new Transformer(Small);
        model.to(Device); // first, so that the parameters written are those the model runs with
        using var weights = new Seeded(5);
        var drawn = ByHand.Draw(model, Small, weights, out var parameters);
        return (model, drawn, parameters);
    }

    /// <summary>A <see cref="Fresh"/> model, trained on <paramref name="tokens"/> after the global RNG is moved to <paramref name="globalSeed"/>.</summary>
    static double[] TrainFresh(Tensor tokens, TrainingConfig cfg, long globalSeed) => TrainFresh(tokens, cfg, globalSeed, out _);

    static double[] TrainFresh(Tensor tokens, TrainingConfig cfg, long globalSeed, out Transformer trained)
    {
        trained = Fresh().Model;
        manual_seed(globalSeed); // the windows come from new Generator(cfg.seed), not from the global generator
        return Trainer.Train(trained, tokens, cfg).ToArray();
    }

    /// <summary>
    /// That a run with a learning rate above 0 trained, judged by its effect and not by the losses Train reports (red team 18A):
    /// the loss on the run's first windows, by hand from the weights Train left in <paramref name="model"/>, below the initial
    /// weights' <paramref name="initial"/>. Those windows were the first step's batch, so every correct run lowers it; a Train that
    /// never steps the optimiser leaves it where it was.
    /// </summary>
    static void AssertTheRunLoweredTheLoss(Dictionary<string, Tensor> initial, Transformer model, Tensor firstWindows, string run)
    {
        double before = ByHand.Loss(ByHand.Logits(initial, firstWindows.clone()), firstWindows.clone()).ToDouble();
        double after = ByHand.Loss(ByHand.Logits(ByHand.ParametersOf(model), firstWindows.clone()), firstWindows.clone()).ToDouble();
        Assert.That(after, Is.Not.NaN.And.LessThan(before),
            $"the loss on the first windows of {run}, computed by hand from the weights Trainer.Train left in the model ({after:F4}), against the initial " +
            $"weights' ({before:F4}): it did not fall, so the run did not train; step the optimiser after each step's backward (TrainStep)");
    }

    [Test, Points(0.5)]
    public void Train_ReturnsOneFiniteLossPerStep_AndTheSameSeedsGiveTheSameLosses()
    {
        using var seeded = new Seeded(460);
        var tokens = seeded.Randint(0, 10, [300]);

        var forWindows = tokens.clone();
        var initial = Fresh().Drawn; // the weights TrainFresh starts from

        var losses = TrainFresh(tokens, Short, globalSeed: 100, out var trained);
        var again = TrainFresh(tokens, Short, globalSeed: 200);
        var otherWindows = TrainFresh(tokens, Short with { seed = 4 }, globalSeed: 100);

        Assert.That(losses, Has.Length.EqualTo(Short.steps), "Trainer.Train must return the loss of every one of cfg.steps steps");
        if (!losses.All(double.IsFinite))
            Assert.Fail($"Trainer.Train returned {losses.Count(v => !double.IsFinite(v))} losses of {losses.Length} that are not finite (NaN or Inf), " +
                (double.IsFinite(losses[0])
                    ? $"from step {Array.FindIndex(losses, v => !double.IsFinite(v))} on, after finite ones: the training diverged (a learning rate or update that blows the weights up, an Adam step on a NaN gradient)"
                    : "already at step 0, before any update: the forward pass or the loss gives NaN on the initial weights (a -inf mask on a whole row, so a softmax of all -inf; a log of 0; a division by zero); if the model's or LmLoss's own tests fail, fix those first") +
                $"; the losses [{string.Join(", ", losses)}]");
        TensorAssert.Close(tensor(again).to(ScalarType.Float32), tensor(losses).to(ScalarType.Float32), Tolerance.For(ScalarType.Float32, Device.type),
            "the losses of a second run with the same init seed and cfg.seed (and another global RNG state): draw the windows " +
            "with new Generator(cfg.seed), and take nothing else from the global generator");
        Assert.That(otherWindows.SequenceEqual(losses), Is.False, "cfg.seed = 4 gave the same losses as cfg.seed = 3: seed the window generator with cfg.seed");
        // Repeatable losses count together with being the model's: the first is the initial weights' loss on the first windows.
        var window = Windows(forWindows, Short, Short.batch_size, Short.seq_len)[0]; // [batch, seq_len]
        var firstLoss = ByHand.Loss(ByHand.Logits(initial, window.clone()), window.clone()).cpu().reshape(1); // [1]
        TensorAssert.Close(Losses(losses[..1]), firstLoss, Tolerance.For(ScalarType.Float32, Device.type),
            "the first loss of Trainer.Train vs cross_entropy(logits[:, :-1], windows[:, 1:]) of the initial model's forward pass computed by hand, " +
            "on the windows RandomWindows(tokens, cfg.batch_size, cfg.seq_len, new Generator(cfg.seed)): return each step's loss of the model being trained");
        AssertTheRunLoweredTheLoss(initial, trained, window, $"a run of {Short.steps} steps at lr {Short.lr}");
    }

    [Test, Points(0.5)]
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
                Assert.That(Math.Abs(counts[s] - batch * p), Is.Not.NaN.And.LessThanOrEqualTo(bound),
                    $"{counts[s]} of {batch} windows started at {s}; every start in 0..n - seqLen = 0..{n - seqLen} should get about {batch * p:F0} " +
                    $"(counts of starts 0..{n - 1}: [{string.Join(", ", counts)}]). Is the upper bound of randint exclusive?");
        }
        // Each window's start is a draw of its own: neighbouring rows start at the same place with probability p = 1/7, and
        // the batch - 1 pairs, though they overlap, are pairwise independent for uniform draws (P(three equal) = p^2), so the
        // count has variance (batch - 1) p (1 - p), near normal about its mean of 428. Within 5 standard deviations (96): a
        // correct RandomWindows fails about once in 1.7 million runs; starts that follow one another by a fixed stride (one
        // random offset, then consecutive chunks) give 0 or batch - 1 equal pairs, over 20 standard deviations away.
        var startList = starts.cpu().data<long>().ToArray();
        double equalPairs = startList.Zip(startList.Skip(1)).Count(t => t.First == t.Second), expectedPairs = (batch - 1) * p;
        double pairBound = 5 * Math.Sqrt((batch - 1) * p * (1 - p));
        Assert.That(Math.Abs(equalPairs - expectedPairs), Is.Not.NaN.And.LessThanOrEqualTo(pairBound),
            $"{equalPairs} of {batch - 1} neighbouring windows started at the same place, expected {expectedPairs:F0} +- {pairBound:F0} as for independent " +
            $"starts (probability 1/{n - seqLen + 1} each; first starts: [{string.Join(", ", startList.Take(12))}]): draw every window's start on its own, " +
            "randint(0, n - seqLen + 1, [batchSize, 1], generator), not one offset followed by a fixed stride");
    }

    /// <summary>
    /// A <see cref="Fresh"/> model with its draws, and a twin with the same draws (a <see cref="Fresh"/> model too) with the
    /// parameters they were written into.
    /// </summary>
    static (Transformer Model, Dictionary<string, Tensor> Drawn, Transformer Twin, Dictionary<string, TorchSharp.Modules.Parameter> TwinParameters) ModelAndTwin()
    {
        var (model, drawn, _) = Fresh();
        var (twin, _, twinParameters) = Fresh();
        return (model, drawn, twin, twinParameters);
    }

    /// <summary>The windows of cfg.steps steps: RandomWindows(tokens, batchSize, seqLen, g) from one new Generator(cfg.seed).</summary>
    static List<Tensor> Windows(Tensor tokens, TrainingConfig cfg, long batchSize, long seqLen, bool generatorPerStep = false)
    {
        var windows = new List<Tensor>();
        var generator = new Generator((ulong)cfg.seed, CPU);
        for (int step = 0; step < cfg.steps; step++)
        {
            if (generatorPerStep && step > 0)
            {
                generator.Dispose();
                generator = new Generator((ulong)cfg.seed, CPU);
            }
            windows.Add(Trainer.RandomWindows(tokens, batchSize, seqLen, generator));
        }
        generator.Dispose();
        return windows;
    }

    static Tensor Losses(IEnumerable<double> losses) => tensor(losses.ToArray()).to(ScalarType.Float32);

    [Test, Points(0.5)] // taken from AgreementTrainingTests.TinyGpt_BeatsTheBigramBaseline_OnHeldOutSentences
    public void Train_FreesEachStepsTensors_WhenTheStepEnds()
    {
        using var seeded = new Seeded(464);
        var tokens = seeded.Randint(0, 10, [300]);
        // The tensors on this thread that a run of Train leaves alive: the model's and its optimiser's, which a run of any
        // length leaves alike. What a step makes (its windows, activations, loss, gradients' intermediates) must go when the
        // step ends, as the doc says: on a GPU, a run of thousands of steps that kept them would run out of memory.
        double[] lossesOfTwo = [];
        Tensor? firstLoss = null, firstWindows = null;
        (Dictionary<string, Tensor> Drawn, Transformer Model)? twoSteps = null;
        long LeftAlive(int steps)
        {
            var (model, drawn, _) = Fresh();
            if (steps == 2)
            {
                // The first step's loss by hand, from the initial weights, on the first windows: before the count starts.
                var window = Windows(tokens, Short, Short.batch_size, Short.seq_len)[0];
                firstLoss = ByHand.Loss(ByHand.Logits(drawn, window.clone()), window.clone()).cpu().reshape(1);
                (firstWindows, twoSteps) = (window, (drawn, model));
            }
            long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            var losses = Trainer.Train(model, tokens, Short with { steps = steps }).ToArray();
            long left = DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
            if (steps == 2) lossesOfTwo = losses;
            return left;
        }

        long afterTwo = LeftAlive(2), afterTen = LeftAlive(10);

        TestContext.Out.WriteLine($"live tensors left by Train: {afterTwo} after 2 steps, {afterTen} after 10");
        Assert.That(afterTen - afterTwo, Is.LessThanOrEqualTo(8),
            $"tensors left alive by Trainer.Train: {afterTwo} after 2 steps, {afterTen} after 10, so {(afterTen - afterTwo) / 8.0:F1} more per step: " +
            "expected at most 1 per step (give each step its own NewDisposeScope(), inside the loop, so that its tensors are freed when it ends)");
        // Freeing a step's tensors counts together with the step having trained: its loss is the model's loss on its windows.
        Assert.That(lossesOfTwo, Has.Length.EqualTo(2), "Trainer.Train with cfg.steps = 2 must return 2 losses");
        TensorAssert.Close(Losses(lossesOfTwo[..1]), firstLoss!, Tolerance.For(ScalarType.Float32, Device.type),
            "the first loss of Trainer.Train vs cross_entropy(logits[:, :-1], windows[:, 1:]) of the initial model's forward pass computed by hand, " +
            "on the windows RandomWindows(tokens, cfg.batch_size, cfg.seq_len, new Generator(cfg.seed))");
        AssertTheRunLoweredTheLoss(twoSteps!.Value.Drawn, twoSteps.Value.Model, firstWindows!, $"the run of 2 steps at lr {Short.lr}");
    }

    [Test, Points(0.5)]
    public void Train_WithLrZero_LeavesTheModelUnchanged_AndTakesItsWindowsFromOneGeneratorOfCfgSeed()
    {
        using var seeded = new Seeded(462);
        var tokens = seeded.Randint(0, 10, [200]);
        var cfg = new TrainingConfig(steps: 4, batch_size: 3, seq_len: 9, lr: 0, weight_decay: 0.1, seed: 11);
        var (model, drawn, twin, _) = ModelAndTwin();

        var losses = Trainer.Train(model, tokens.clone(), cfg).ToArray();

        Assert.That(losses, Has.Length.EqualTo(cfg.steps), "Trainer.Train must return the loss of every one of cfg.steps steps");
        Assert.That(losses.Count(double.IsNaN), Is.Zero, NaNLosses(losses));
        // A model left unchanged at lr 0 counts only from a Train that changes it at another lr: the same run at lr 1e-2.
        var (moving, movingDrawn, _) = Fresh();
        Trainer.Train(moving, tokens.clone(), cfg with { lr = 1e-2 });
        AssertTheRunLoweredTheLoss(movingDrawn, moving, Windows(tokens, cfg, cfg.batch_size, cfg.seq_len)[0], $"the same run at lr 1e-2 (cfg.lr = 0 left the model unchanged)");
        foreach (var (name, parameter) in model.named_parameters())
            TensorAssert.Close(parameter, Drawn(drawn, name), name:
                $"{name} after Trainer.Train with cfg.lr = 0 (AdamW with lr 0 moves nothing): it changed, so the optimiser does not " +
                "use cfg.lr: give the optimiser cfg.lr as its learning rate");

        // The model never changes, so each step's loss is the loss of the initial model on that step's windows.
        double[] LossesOn(List<Tensor> windows)
        {
            using var noGrad = no_grad();
            return windows.Select(w => LmLoss.CrossEntropy(twin.call(w), w).ToDouble()).ToArray();
        }
        var windows = Windows(tokens, cfg, cfg.batch_size, cfg.seq_len);
        var byHand = ByHand.Loss(ByHand.Logits(drawn, windows[0].clone()), windows[0].clone()).cpu().reshape(1);
        var expected = LossesOn(windows);
        var tolerance = Tolerance.For(ScalarType.Float32, Device.type);
        // The losses below come from your model and LmLoss on both sides: the first must be the forward pass's cross-entropy.
        TensorAssert.Close(Losses(expected[..1]), byHand, tolerance,
            "LmLoss.CrossEntropy(model.call(windows), windows) of the initial model on the first windows vs cross_entropy(logits[:, :-1], windows[:, 1:]) " +
            "of its forward pass computed by hand");
        if (TensorAssert.CloseFailure(Losses(losses), Losses(expected), tolerance) is null) return;
        // What the losses fit first; the two series after.
        const string what = "the losses of Trainer.Train with cfg.lr = 0 are not the initial model's loss on the windows RandomWindows(tokens, cfg.batch_size, " +
            "cfg.seq_len, generator) of one new Generator(cfg.seed) for the whole run";
        string numbers = $"the losses {StepSeries.Show(losses)} against {StepSeries.Show(expected)}";
        if (TensorAssert.CloseFailure(Losses(losses), Losses(LossesOn(Windows(tokens, cfg, cfg.batch_size, cfg.seq_len, generatorPerStep: true))), tolerance) is null)
            Assert.Fail($"{what}: every step saw the first step's windows; make the generator once, before the loop, not once per step; {numbers}");
        if (TensorAssert.CloseFailure(Losses(losses), Losses(LossesOn(Windows(tokens, cfg, cfg.seq_len, cfg.batch_size))), tolerance) is null)
            Assert.Fail($"{what}: these are windows of cfg.batch_size tokens, cfg.seq_len of them; the arguments of RandomWindows are (tokens, batchSize, seqLen, generator); {numbers}");
        Assert.Fail($"{what}: draw every window with one new Generator(cfg.seed), made before the loop, and nothing else; {numbers}");
    }

    [Test, Points(0.5)]
    public void Train_MatchesALoopOfAdamWSteps_OnTheSameWindows()
    {
        using var seeded = new Seeded(463);
        var tokens = seeded.Randint(0, 10, [200]);
        // A weight decay large enough that AdamW's decoupled decay and Adam's L2 penalty part ways at once, and neither the
        // default 0.01 nor nanoGPT's 0.1, so that only cfg.weight_decay gives the loop's steps.
        // 20 steps, so that a learning-rate schedule that only moves late in the run (a drop for the last tenth, a decay
        // whose first steps stay within float32 noise of cfg.lr) shows in the losses and the final weights.
        var cfg = new TrainingConfig(steps: 20, batch_size: 3, seq_len: 9, lr: 2e-2, weight_decay: 0.3, seed: 12);
        var (model, drawn, twin, twinParameters) = ModelAndTwin();

        var losses = Trainer.Train(model, tokens.clone(), cfg).ToArray();

        // The loop steps the twin's parameters the test wrote its draws into, not what a second read of them gives.
        var optimizer = optim.AdamW(twinParameters.Values, lr: cfg.lr, weight_decay: cfg.weight_decay);
        var windows = Windows(tokens, cfg, cfg.batch_size, cfg.seq_len);
        var byHand = ByHand.Loss(ByHand.Logits(drawn, windows[0].clone()), windows[0].clone()).cpu().reshape(1);
        var expected = new List<double>();
        foreach (var batch in windows)
        {
            optimizer.zero_grad();
            var loss = LmLoss.CrossEntropy(twin.call(batch), batch);
            loss.backward();
            optimizer.step();
            expected.Add(loss.ToDouble());
        }

        Assert.That(losses, Has.Length.EqualTo(cfg.steps), "Trainer.Train must return the loss of every one of cfg.steps steps");
        Assert.That(losses.Count(double.IsNaN), Is.Zero, NaNLosses(losses));
        var tolerance = Tolerance.For(ScalarType.Float32, Device.type);
        int firstApart = StepSeries.FirstApart(losses, expected, tolerance);
        // The step where they part and what it means first; the two series after.
        string loop = $"a loop of AdamW(lr {cfg.lr}, weight_decay {cfg.weight_decay}) steps on RandomWindows(tokens, cfg.batch_size, cfg.seq_len, generator) of one new Generator(cfg.seed)";
        string numbers = $"the losses {StepSeries.Show(losses)} against {StepSeries.Show(expected)}";
        if (firstApart == 0)
            Assert.Fail($"Trainer.Train's first loss differs from {loop}, so the first windows do: take them from one new Generator(cfg.seed) with " +
                $"RandomWindows(tokens, cfg.batch_size, cfg.seq_len, generator); {numbers}");
        if (firstApart > 0)
            Assert.Fail($"Trainer.Train's losses part from {loop} at step {firstApart} (equal up to step {firstApart - 1}): use optim.AdamW (decoupled weight decay, " +
                $"not Adam) with cfg.lr for every step (no learning-rate schedule) and cfg.weight_decay, and one generator for the whole run, not a new one per step; {numbers}");
        foreach (var (name, parameter) in model.named_parameters())
            TensorAssert.Close(parameter, Known(twinParameters, name), name:
                $"{name} after Trainer.Train vs after the AdamW loop (the losses agree, so the last step's update differs: step the optimiser " +
                "after every loss, with cfg.lr, unscheduled, and cfg.weight_decay)");
        // Both sides use your model and LmLoss: the loop's first loss must be the forward pass's cross-entropy.
        TensorAssert.Close(Losses(expected.Take(1)), byHand, tolerance,
            "the first loss of the AdamW loop, LmLoss.CrossEntropy(model.call(windows), windows) of the initial model, vs cross_entropy(logits[:, :-1], windows[:, 1:]) " +
            "of its forward pass computed by hand");
    }

    /// <summary>The draw of the model's parameter <paramref name="name"/> as float32, the dtype the model holds it in.</summary>
    static Tensor Drawn(Dictionary<string, Tensor> drawn, string name) => Known(drawn, name).to_type(ScalarType.Float32);

    /// <summary>The entry of the model's parameter <paramref name="name"/>, which the test drew; a parameter it does not know fails the test.</summary>
    static T Known<T>(Dictionary<string, T> byName, string name)
    {
        if (!byName.TryGetValue(name, out var value))
            Assert.Fail($"Transformer has a parameter {name} the test does not know: keep the parameters, names and shapes you were given");
        return value!;
    }

    /// <summary>What NaN losses say first: the forward pass or the loss makes them, before anything about the training loop.</summary>
    static string NaNLosses(double[] losses) =>
        $"losses of Trainer.Train that are NaN, of {StepSeries.Show(losses)}: the forward pass or the loss makes NaN (a mask that hides a whole row, " +
        "a log of 0), so make the model's and LmLoss's tests pass first";
}
