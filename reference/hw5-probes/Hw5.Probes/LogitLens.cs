using Course.Lens;
using static TorchSharp.torch;

namespace Hw5.Probes;

/// <summary>One row of the logit lens: what the residual stream after some layers predicts, read out directly.</summary>
/// <param name="Label">The accumulated residual stream's label: <c>0_pre</c>, <c>1_pre</c>, ..., <c>final_post</c>.</param>
/// <param name="Loss">Mean next-character cross-entropy in nats.</param>
/// <param name="Accuracy">Fraction of positions whose most likely next character is the right one.</param>
public sealed record LensLayer(string Label, double Loss, double Accuracy);

/// <summary>
/// The logit lens (nostalgebraist 2020, "interpreting GPT: the logit lens"): decode the residual stream after each layer
/// as if it were the last, with the model's own final LayerNorm (its scale computed afresh for that residual stream)
/// and unembedding, and see how early the prediction takes shape.
/// </summary>
public static class LogitLens
{
    /// <summary>
    /// The logits of every accumulated residual stream of <paramref name="cache"/> (<see cref="ActivationCache.AccumulatedResid"/>):
    /// <c>[component, batch, pos, d_vocab]</c> float32 (the model's dtype); the last equals the model's own logits.
    /// </summary>
    public static Tensor Logits(HookedTransformer model, ActivationCache cache)
    {
        // BEGIN SOLUTION: take cache.AccumulatedResid(), apply model.ln_final (call it: a fresh scale per residual stream), then the unembedding W_U and b_U
        var (residuals, _) = cache.AccumulatedResid(); // [component, batch, pos, d_model]
        return model.ln_final.call(residuals).matmul(model.W_U) + model.b_U; // [component, batch, pos, d_vocab]
        // END SOLUTION
    }

    /// <summary>
    /// The loss and accuracy of each layer's prediction of the next character of <paramref name="tokens"/> <c>[batch, pos]</c>:
    /// position p predicts token p + 1, so the last position of each row is not scored. Autograd is on again afterwards
    /// if it was on before: a <c>no_grad()</c> opened here is disposed (with <c>using</c>) before returning.
    /// </summary>
    public static IReadOnlyList<LensLayer> Evaluate(HookedTransformer model, Tensor tokens)
    {
        // BEGIN SOLUTION: RunWithCache, then Logits; for each component score logits[:, :-1] against tokens[:, 1:] with cross_entropy and argmax
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (_, cache) = model.RunWithCache(tokens);
        var (_, labels) = cache.AccumulatedResid();
        var logits = Logits(model, cache); // [component, batch, pos, d_vocab]
        var predicted = logits[.., .., ..^1]; // [component, batch, pos - 1, d_vocab]
        var targets = tokens[.., 1..]; // [batch, pos - 1]
        var rows = new List<LensLayer>();
        for (int c = 0; c < labels.Count; c++)
        {
            var layerLogits = predicted[c].reshape(-1, predicted.shape[^1]); // [batch * (pos - 1), d_vocab]
            double loss = nn.functional.cross_entropy(layerLogits, targets.reshape(-1)).item<float>();
            double accuracy = (layerLogits.argmax(-1) == targets.reshape(-1)).to(ScalarType.Float64).mean().item<double>();
            rows.Add(new LensLayer(labels[c], loss, accuracy));
        }
        return rows;
        // END SOLUTION
    }
}
