using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment.Tests;

public sealed class LogProbsTests : TorchTest
{
    // Two rows over a vocabulary of 3: row 0 is 2 prompt tokens then 2 completion tokens; row 1 is 1 prompt token, 2
    // completion tokens and 1 of padding. P[b, t] is the distribution the logits at t give the token at t + 1.
    static long[,] Tokens => new long[,] { { 0, 1, 2, 1 }, { 2, 0, 1, 0 } };
    static bool[,] Mask => new bool[,] { { false, false, true, true }, { false, true, true, false } };

    static (Tensor Logits, double[,,] P) HandBuilt(long seed)
    {
        using var seeded = new Seeded(seed);
        var p = seeded.Rand([2, 4, 3], ScalarType.Float64).cpu() + 0.1; // [batch, pos, d_vocab]
        p /= p.sum(-1, keepdim: true);
        var values = p.data<double>().ToArray();
        var table = new double[2, 4, 3];
        for (int i = 0; i < values.Length; i++) table[i / 12, i / 3 % 4, i % 3] = values[i];
        var logits = p.log() + tensor(new double[] { 3, -1, 0.5, 2 }, ScalarType.Float64).view(1, 4, 1); // log-probabilities up to a constant per position
        return (logits, table);
    }

    static Tensor TokensTensor(Device device) => tensor(Tokens).to(device);

    static Tensor MaskTensor(Device device) => tensor(Mask).to(device);

    [Test, Points(4)]
    public void OfCompletion_SumsTheLogProbabilitiesOfTheCompletionTokens_EachFromTheLogitsBeforeIt()
    {
        var (logits, p) = HandBuilt(901);
        // row 0: tokens 2 and 3 (values 2, 1), from positions 1 and 2; row 1: tokens 1 and 2 (values 0, 1), from positions 0 and 1
        var expected = tensor(new[] { Math.Log(p[0, 1, 2]) + Math.Log(p[0, 2, 1]), Math.Log(p[1, 0, 0]) + Math.Log(p[1, 1, 1]) }, ScalarType.Float64);
        var firstRow = logits[..1].clone(); // [1, 4, 3]: a batch of one row, taken before homework code has the logits

        var actual = LogProbs.OfCompletion(logits.to(Device), TokensTensor(Device), MaskTensor(Device));
        var alone = LogProbs.OfCompletion(firstRow.to(Device), TokensTensor(Device)[..1], MaskTensor(Device)[..1]);

        TensorAssert.Close(actual, expected.to(Device), name: "LogProbs.OfCompletion(logits [2, 4, 3], ...) [batch] " +
            "(token t is predicted by log_softmax(logits[:, t - 1]); the logits here are log-probabilities plus a constant per position, so a missing log_softmax shows)");
        TensorAssert.Shape(alone, [1], "LogProbs.OfCompletion of a batch of one row (logits [1, 4, 3]): [batch] is [1], not a scalar (sum over dim 1, no squeeze())");
        TensorAssert.Close(alone, expected[..1].to(Device), name: "LogProbs.OfCompletion of row 0 alone (logits [1, 4, 3]) [1]: the same log-probability as in the batch of two");
    }

    [Test, Points(3)]
    public void OfCompletion_IgnoresThePromptAndThePadding()
    {
        var (logits, p) = HandBuilt(902);
        var changed = logits.clone();
        changed[0, 0] = tensor(new double[] { -20, 9, -20 }, ScalarType.Float64); // predicts row 0's prompt token 1
        changed[1, 2] = tensor(new double[] { 9, -20, -20 }, ScalarType.Float64); // predicts row 1's padding
        changed[0, 3] = tensor(new double[] { 9, -20, -20 }, ScalarType.Float64); // predicts nothing: the last position

        var before = LogProbs.OfCompletion(logits.to(Device), TokensTensor(Device), MaskTensor(Device));
        var after = LogProbs.OfCompletion(changed.to(Device), TokensTensor(Device), MaskTensor(Device));

        TensorAssert.Close(after, before, name: "LogProbs.OfCompletion after changing only the logits that predict a prompt token, padding, or nothing " +
            "(sum over positions t with completionMask[:, t] true, each from logits[:, t - 1])");
        var expected = tensor(new[] { Math.Log(p[0, 1, 2]) + Math.Log(p[0, 2, 1]), Math.Log(p[1, 0, 0]) + Math.Log(p[1, 1, 1]) }, ScalarType.Float64);
        TensorAssert.Close(before, expected.to(Device), name: "LogProbs.OfCompletion(logits [2, 4, 3], ...) [batch] before the change: " +
            "the sum of log_softmax(logits[:, t - 1])[token t] over the completion positions t (unchanged is not enough: the values must be these)");
    }

    [Test, Points(3)]
    public void OfCompletion_OfTheTinyGpt_IsTheChainRuleOverTheCompletion()
    {
        var (model, vocabulary, _) = Course.Lens.TinyGpt.Load(Device);
        var batch = SequenceBatch.Of([(". the ", "birds sing ."), (". a ", "cat that sees the dogs runs .")], vocabulary).To(Device);
        using var _ = no_grad();
        var logProbs = model.call(batch.Tokens).log_softmax(-1).to(ScalarType.Float64).cpu(); // [batch, pos, d_vocab]
        var tokens = batch.Tokens.cpu().data<long>().ToArray();
        var mask = batch.CompletionMask.cpu().data<bool>().ToArray();
        long width = batch.Tokens.shape[1];
        var expected = new double[2];
        for (int b = 0; b < 2; b++)
            for (int t = 1; t < width; t++)
                if (mask[b * width + t]) expected[b] += logProbs[b, t - 1, tokens[b * width + t]].ToDouble();

        var actual = LogProbs.OfCompletion(model, batch);

        // In the logits' dtype, as documented: a hidden test checks it too, so the public tests say it first.
        TensorAssert.Close(actual, tensor(expected, ScalarType.Float64).to(ScalarType.Float32).to(Device), Tolerance.For(ScalarType.Float32, Device.type),
            "LogProbs.OfCompletion(the tiny GPT, [\". the |birds sing .\", \". a |cat that sees the dogs runs .\"]) [batch], float32 like the logits");
    }
}
