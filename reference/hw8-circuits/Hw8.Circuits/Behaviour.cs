using Course.Lens;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw8.Circuits;

/// <summary>
/// The heads found from the weights, confirmed by running the model on repeated random tokens
/// (<see cref="RepeatedTokens.Repeated"/>: a random half, then the same half again; Olsson et al. 2022).
/// </summary>
public static class Behaviour
{
    /// <summary><c>[n_layers, n_heads]</c> float32: each head's attention from each position to the one before, averaged over the batch and the positions 1..pos − 1.</summary>
    public static Tensor PrevTokenScores(HookedAttnOnlyTransformer model, Tensor tokens)
    {
        // BEGIN SOLUTION: Patterns(model, tokens); for each layer, pattern.diagonal(-1, 2, 3) (the key one before the query), averaged over the batch and the positions
        return stack(Patterns(model, tokens).Select(pattern => pattern.diagonal(-1, 2, 3).mean([0, 2]))).cpu(); // [n_layers, n_heads]
        // END SOLUTION
    }

    /// <summary>
    /// <c>[n_layers, n_heads]</c> float32: on <paramref name="tokens"/> <c>[batch, 2 half]</c> whose second half repeats the
    /// first, each head's attention from each position q of the second half to the position just after the earlier
    /// occurrence of q's token, q − half + 1, averaged over the batch and the half positions.
    /// </summary>
    public static Tensor InductionScores(HookedAttnOnlyTransformer model, Tensor tokens)
    {
        long half = tokens.shape[1] / 2;
        // BEGIN SOLUTION: the diagonal -(half - 1) of each pattern, from its second entry on (queries half..2 half - 1), averaged
        return stack(Patterns(model, tokens).Select(pattern => pattern.diagonal(-(half - 1), 2, 3)[.., .., 1..].mean([0, 2]))).cpu(); // [n_layers, n_heads]
        // END SOLUTION
    }

    /// <summary>
    /// The mean next-token loss over the second half of <paramref name="tokens"/> <c>[batch, 2 half]</c> (predicting tokens
    /// half + 1..2 half − 1: the first repeated token cannot be predicted), with head <paramref name="ablated"/> (layer, head)
    /// mean-ablated when given: its <c>hook_z</c> replaced by its mean over the batch at each position.
    /// </summary>
    public static double RepeatedHalfLoss(HookedAttnOnlyTransformer model, Tensor tokens, (int Layer, int Head)? ablated = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long half = tokens.shape[1] / 2;
        // BEGIN SOLUTION: a hook on blocks.{layer}.attn.hook_z ([batch, pos, head, d_head]) that returns a copy whose head column is its mean over dim 0 (keepdim, expanded); the logits' cross-entropy at positions half..2 half - 2 against the tokens one later
        using var hook = ablated is (int layer, int head)
            ? model.Hook($"blocks.{layer}.attn.hook_z").AddHook((z, _) =>
            {
                var replaced = z.clone(); // [batch, pos, head, d_head]
                replaced[.., .., head] = z[.., .., head].mean([0], keepdim: true).expand_as(z[.., .., head]);
                return replaced;
            })
            : null;
        var logits = model.call(tokens); // [batch, 2 half, d_vocab]
        var predicted = logits[.., (int)half..^1]; // [batch, half - 1, d_vocab]
        return nn.functional.cross_entropy(predicted.reshape(-1, predicted.shape[^1]), tokens[.., (int)(half + 1)..].reshape(-1)).ToDouble();
        // END SOLUTION
    }

    /// <summary>Every layer's attention pattern <c>[batch, head, query_pos, key_pos]</c> on <paramref name="tokens"/>, read with hooks (given).</summary>
    static List<Tensor> Patterns(HookedAttnOnlyTransformer model, Tensor tokens)
    {
        using var noGrad = no_grad();
        var patterns = new Tensor[model.Config.n_layers];
        var handles = Enumerable.Range(0, patterns.Length)
            .Select(l => model.Hook($"blocks.{l}.attn.hook_pattern").AddHook((pattern, _) => { patterns[l] = pattern.detach(); return null; })).ToList();
        try { model.call(tokens); }
        finally { foreach (var handle in handles) handle.Dispose(); }
        return [.. patterns];
    }
}
