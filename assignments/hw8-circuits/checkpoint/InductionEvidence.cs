using Course.Lens;
using static TorchSharp.torch;

namespace Hw8.Circuits.Checkpoint;

/// <summary>
/// What shows that a model has induction heads, measured on <see cref="RepeatedTokens.Repeated"/> sequences of n_ctx tokens
/// (a random half, then the same half again): the loss on the repeated half against the first half, which nothing can
/// predict (about ln d_vocab); each head's average attention to the previous token and to the token after the current
/// token's earlier occurrence; and the repeated half's loss with each layer-1 head mean-ablated (its <c>hook_z</c> replaced
/// by its mean over the batch at each position).
/// </summary>
public sealed record InductionEvidence(double FirstHalfLoss, double RepeatedHalfLoss, double[,] PrevTokenScores, double[,] InductionScores, double[] AblatedRepeatedHalfLoss)
{
    public static InductionEvidence Measure(HookedAttnOnlyTransformer model, long batch = 100, ulong seed = 7)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var cfg = model.Config;
        long half = cfg.n_ctx / 2;
        var tokens = RepeatedTokens.Repeated(batch, half, cfg.d_vocab, new Generator(seed)); // [batch, 2 half]
        var patterns = new Tensor[cfg.n_layers];
        var handles = Enumerable.Range(0, (int)cfg.n_layers)
            .Select(l => model.Hook($"blocks.{l}.attn.hook_pattern").AddHook((pattern, _) => { patterns[l] = pattern.detach(); return null; })).ToList();
        var losses = Losses(model, tokens); // [batch, 2 half - 1]; column p predicts token p + 1
        foreach (var handle in handles) handle.Dispose();

        var prev = new double[cfg.n_layers, cfg.n_heads];
        var induction = new double[cfg.n_layers, cfg.n_heads];
        for (int l = 0; l < cfg.n_layers; l++)
            for (int h = 0; h < cfg.n_heads; h++)
            {
                var pattern = patterns[l][.., h]; // [batch, query_pos, key_pos]
                prev[l, h] = pattern.diagonal(-1, 1, 2).mean().item<float>();
                // A query in the repeated half (from position half + 1) to the key just after its token's first occurrence.
                induction[l, h] = pattern.diagonal(-(half - 1), 1, 2)[.., 1..].mean().item<float>();
            }
        var ablated = new double[cfg.n_heads];
        for (int h = 0; h < cfg.n_heads; h++)
        {
            int head = h;
            using var hook = model.Hook($"blocks.{cfg.n_layers - 1}.attn.hook_z").AddHook((z, _) => // [batch, pos, head, d_head]
            {
                var replaced = z.clone();
                replaced[.., .., head] = z[.., .., head].mean([0], keepdim: true).expand_as(z[.., .., head]);
                return replaced;
            });
            ablated[h] = RepeatedHalf(Losses(model, tokens), half);
        }
        return new InductionEvidence(FirstHalf(losses, half), RepeatedHalf(losses, half), prev, induction, ablated);
    }

    /// <summary>One line: the two halves' losses, every head's two scores, and the cost of ablating each layer-1 head.</summary>
    public string Summary()
    {
        var (layers, heads) = (PrevTokenScores.GetLength(0), PrevTokenScores.GetLength(1));
        string Scores(double[,] scores) => string.Join(" ", Enumerable.Range(0, layers).SelectMany(l => Enumerable.Range(0, heads).Select(h => $"{l}.{h}:{scores[l, h]:F2}")));
        return $"loss on the first half {FirstHalfLoss:F3}, on the repeated half {RepeatedHalfLoss:F3}; prev-token scores {Scores(PrevTokenScores)}; " +
               $"induction scores {Scores(InductionScores)}; repeated-half loss with each layer-1 head mean-ablated {string.Join(" ", AblatedRepeatedHalfLoss.Select(l => l.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}";
    }

    /// <summary><c>[batch, pos - 1]</c>: the loss of each next-token prediction.</summary>
    static Tensor Losses(HookedAttnOnlyTransformer model, Tensor tokens)
    {
        var logits = model.call(tokens); // [batch, pos, d_vocab]
        return nn.functional.cross_entropy(logits[.., ..^1].reshape(-1, logits.shape[^1]), tokens[.., 1..].reshape(-1), reduction: nn.Reduction.None)
            .reshape(tokens.shape[0], tokens.shape[1] - 1);
    }

    /// <summary>The mean loss of predicting the first half's tokens 1..half-1.</summary>
    static double FirstHalf(Tensor losses, long half) => losses[.., ..(int)(half - 1)].mean().item<float>();

    /// <summary>The mean loss of predicting the repeated half's tokens half+1..2 half-1 (the first repeated token cannot be predicted).</summary>
    static double RepeatedHalf(Tensor losses, long half) => losses[.., (int)half..].mean().item<float>();
}
