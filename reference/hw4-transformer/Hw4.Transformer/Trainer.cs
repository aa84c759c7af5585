using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer;

/// <summary>The training loop: random windows of the corpus, the LM loss, backprop and an AdamW step, over and over.</summary>
public static class Trainer
{
    /// <summary>
    /// <paramref name="batchSize"/> windows of <paramref name="seqLen"/> consecutive tokens of <c>tokens [n]</c>:
    /// <c>[batch, seqLen]</c> int64 on the device of <paramref name="tokens"/>. The start of each window is drawn uniformly
    /// from 0..n-seqLen (every full window is possible) with <paramref name="generator"/>, a CPU generator, independently of
    /// the other windows' starts.
    /// </summary>
    public static Tensor RandomWindows(Tensor tokens, long batchSize, long seqLen, Generator generator)
    {
        if (tokens.dim() != 1 || tokens.shape[0] < seqLen)
            throw new ArgumentException($"tokens must be [n] with n >= seqLen = {seqLen}, got [{string.Join(", ", tokens.shape)}]", nameof(tokens));
        // BEGIN SOLUTION: draw batchSize starts with randint(0, n - seqLen + 1, ..., generator) on the CPU, add arange(seqLen) to get [batch, seqLen] indices, and index tokens with them
        long n = tokens.shape[0];
        var starts = randint(0, n - seqLen + 1, [batchSize, 1], ScalarType.Int64, CPU, generator: generator); // [batch, 1]
        var indices = (starts + arange(seqLen, ScalarType.Int64)).to(tokens.device); // [batch, seqLen]
        return tokens[indices]; // [batch, seqLen]
        // END SOLUTION
    }

    /// <summary>
    /// One optimisation step on <c>batch [batch, pos]</c>: clear the gradients, compute <see cref="LmLoss.CrossEntropy"/> of the
    /// model's logits, backpropagate and step the optimiser. Returns the loss before the step.
    /// </summary>
    public static double TrainStep(Transformer model, optim.Optimizer optimizer, Tensor batch)
    {
        // BEGIN SOLUTION: optimizer.zero_grad(); loss = LmLoss.CrossEntropy(model.call(batch), batch); loss.backward(); optimizer.step(); return the loss as a double
        optimizer.zero_grad();
        var loss = LmLoss.CrossEntropy(model.call(batch), batch); // []
        loss.backward();
        optimizer.step();
        return loss.ToDouble();
        // END SOLUTION
    }

    /// <summary>
    /// Trains <paramref name="model"/> on <c>tokens [n]</c> (on the model's device) for <c>cfg.steps</c> steps of
    /// <see cref="TrainStep"/>, with <c>optim.AdamW(model.parameters(), cfg.lr, weight_decay: cfg.weight_decay)</c> at cfg.lr for every
    /// step (no learning-rate schedule) and windows from
    /// <see cref="RandomWindows"/> drawn with <c>new Generator(cfg.seed)</c>. Returns the loss of every step, in order.
    /// Each step runs in its own dispose scope, so its tensors are freed when it ends.
    /// </summary>
    public static IReadOnlyList<double> Train(Transformer model, Tensor tokens, TrainingConfig cfg)
    {
        // BEGIN SOLUTION: make the optimizer and a CPU Generator(cfg.seed); for each step, inside using var scope = NewDisposeScope(), take RandomWindows and TrainStep; collect the losses
        model.train();
        var optimizer = optim.AdamW(model.parameters(), lr: cfg.lr, weight_decay: cfg.weight_decay);
        using var generator = new Generator((ulong)cfg.seed, CPU);
        var losses = new List<double>(cfg.steps);
        for (int step = 0; step < cfg.steps; step++)
        {
            using var scope = NewDisposeScope();
            var batch = RandomWindows(tokens, cfg.batch_size, cfg.seq_len, generator); // [batch, seq_len]
            losses.Add(TrainStep(model, optimizer, batch));
        }
        return losses;
        // END SOLUTION
    }
}
