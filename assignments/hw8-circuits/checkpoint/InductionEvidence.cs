using Course.Lens;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw8.Circuits.Checkpoint;

/// <summary>
/// What shows that a model has induction heads, measured on <see cref="RepeatedTokens.Repeated"/> sequences of n_ctx tokens
/// (a random half, then the same half again): the loss on the repeated half against the first half, which nothing can
/// predict (about ln d_vocab); and, with hw8's reference measures (<see cref="Behaviour"/>), each head's prev-token and
/// induction scores and the repeated half's loss with each layer-1 head mean-ablated.
/// </summary>
public sealed record InductionEvidence(double FirstHalfLoss, double RepeatedHalfLoss, double[,] PrevTokenScores, double[,] InductionScores, double[] AblatedRepeatedHalfLoss)
{
    public static InductionEvidence Measure(HookedAttnOnlyTransformer model, long batch = 100, ulong seed = 7)
    {
        using var scope = NewDisposeScope();
        var tokens = Tokens(model, batch, seed); // [batch, n_ctx]
        var (first, repeated) = HalfLosses(model, tokens);
        var lastLayer = (int)model.Config.n_layers - 1;
        var ablated = Enumerable.Range(0, (int)model.Config.n_heads).Select(head => Behaviour.RepeatedHalfLoss(model, tokens, (lastLayer, head))).ToArray();
        return new InductionEvidence(first, repeated, Grid(Behaviour.PrevTokenScores(model, tokens)), Grid(Behaviour.InductionScores(model, tokens)), ablated);
    }

    /// <summary>The sequences the evidence is measured on: <paramref name="batch"/> rows of n_ctx / 2 random tokens, then the same again.</summary>
    public static Tensor Tokens(HookedAttnOnlyTransformer model, long batch = 100, ulong seed = 7) =>
        RepeatedTokens.Repeated(batch, model.Config.n_ctx / 2, model.Config.d_vocab, new Generator(seed));

    /// <summary>
    /// The mean loss of predicting the first half's tokens 1..half-1 and the repeated half's tokens half+1..2 half-1 (the
    /// first repeated token cannot be predicted), as the checkpoint's metadata records them.
    /// </summary>
    public static (double FirstHalf, double RepeatedHalf) HalfLosses(HookedAttnOnlyTransformer model, Tensor tokens)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int half = (int)(tokens.shape[1] / 2);
        var logits = model.call(tokens); // [batch, 2 half, d_vocab]
        var losses = nn.functional.cross_entropy(logits[.., ..^1].reshape(-1, logits.shape[^1]), tokens[.., 1..].reshape(-1), reduction: nn.Reduction.None)
            .reshape(tokens.shape[0], tokens.shape[1] - 1); // [batch, 2 half - 1]; column p predicts token p + 1
        return (losses[.., ..(half - 1)].mean().item<float>(), losses[.., half..].mean().item<float>());
    }

    /// <summary>One line: the two halves' losses, every head's two scores, and the cost of ablating each layer-1 head.</summary>
    public string Summary()
    {
        var (layers, heads) = (PrevTokenScores.GetLength(0), PrevTokenScores.GetLength(1));
        string Scores(double[,] scores) => string.Join(" ", Enumerable.Range(0, layers).SelectMany(l => Enumerable.Range(0, heads).Select(h => $"{l}.{h}:{scores[l, h]:F2}")));
        return $"loss on the first half {FirstHalfLoss:F3}, on the repeated half {RepeatedHalfLoss:F3}; prev-token scores {Scores(PrevTokenScores)}; " +
               $"induction scores {Scores(InductionScores)}; repeated-half loss with each layer-1 head mean-ablated {string.Join(" ", AblatedRepeatedHalfLoss.Select(l => l.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}";
    }

    /// <summary>A <c>[layers, heads]</c> float tensor as doubles.</summary>
    static double[,] Grid(Tensor scores)
    {
        var grid = new double[scores.shape[0], scores.shape[1]];
        for (int l = 0; l < grid.GetLength(0); l++)
            for (int h = 0; h < grid.GetLength(1); h++)
                grid[l, h] = scores[l, h].ToDouble();
        return grid;
    }
}
