using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment.HiddenTests;

public sealed class HiddenLossTests : TorchTest
{
    [Test, Points(2)]
    public void BradleyTerryLoss_HasTheGradientSigmoidMinusOne()
    {
        // ∂/∂r_c mean(−log σ(r_c − r_r)) = (σ(r_c − r_r) − 1) / batch, and the opposite for r_r
        var chosen = tensor(new[] { 1.0, -2.0, 0.5, 3.0 }, ScalarType.Float64).to(Device).requires_grad_();
        var rejected = tensor(new[] { 0.0, 1.0, 0.5, -1.0 }, ScalarType.Float64).to(Device).requires_grad_();
        var expected = tensor(new[] { 1.0, -3.0, 0.0, 4.0 }.Select(d => (1 / (1 + Math.Exp(-d)) - 1) / 4).ToArray(), ScalarType.Float64).to(Device);

        BradleyTerry.Loss(chosen, rejected).backward();

        TensorAssert.Close(chosen.grad, expected, name: "∂BradleyTerry.Loss/∂r_chosen = (σ(r_c - r_r) - 1) / batch");
        TensorAssert.Close(rejected.grad, -expected, name: "∂BradleyTerry.Loss/∂r_rejected = (1 - σ(r_c - r_r)) / batch");
    }

    [Test, Points(3)]
    public void LogProbs_OfRowsWithPromptsAndPaddingOfDifferentLengths_MatchALoopOverTokens()
    {
        using var seeded = new Seeded(981);
        const int batch = 4, pos = 9, vocab = 7;
        var logits = seeded.Randn([batch, pos, vocab]) * 3; // [batch, pos, d_vocab]
        var tokens = seeded.Randint(0, vocab, [batch, pos]); // [batch, pos]
        (int Prompt, int Length)[] rows = [(1, 9), (3, 5), (5, 6), (2, 3)];
        var mask = new bool[batch, pos];
        foreach (var (row, (prompt, length)) in rows.Select((r, i) => (i, r)))
            for (int t = prompt; t < length; t++) mask[row, t] = true;
        var logProbs = logits.cpu().to(ScalarType.Float64).log_softmax(-1);
        var ids = tokens.cpu().data<long>().ToArray();
        var expected = new double[batch];
        for (int b = 0; b < batch; b++)
            for (int t = 1; t < pos; t++)
                if (mask[b, t]) expected[b] += logProbs[b, t - 1, ids[b * pos + t]].ToDouble();

        var actual = LogProbs.OfCompletion(logits, tokens, tensor(mask).to(Device));

        TensorAssert.Close(actual, tensor(expected, ScalarType.Float64).to(ScalarType.Float32).to(Device),
            name: "LogProbs.OfCompletion on 4 rows of 9 with prompts of 1, 3, 5 and 2 tokens and lengths 9, 5, 6 and 3 (float32)");
    }
}
