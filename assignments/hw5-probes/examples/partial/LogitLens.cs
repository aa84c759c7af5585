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
    /// <c>[component, batch, pos, d_vocab]</c>; the last equals the model's own logits.
    /// </summary>
    public static Tensor Logits(HookedTransformer model, ActivationCache cache)
    {
        var (residuals, _) = cache.AccumulatedResid(); // [component, batch, pos, d_model]
        // Use the final LayerNorm's scale from the cache, so every layer is normalised the same way.
        var centred = residuals - residuals.mean([-1], keepdim: true);
        var normalised = centred / cache["ln_final.hook_scale"] * model.ln_final.w + model.ln_final.b;
        return normalised.matmul(model.W_U) + model.b_U; // [component, batch, pos, d_vocab]
    }

    /// <summary>
    /// The loss and accuracy of each layer's prediction of the next character of <paramref name="tokens"/> <c>[batch, pos]</c>:
    /// position p predicts token p + 1, so the last position of each row is not scored.
    /// </summary>
    public static IReadOnlyList<LensLayer> Evaluate(HookedTransformer model, Tensor tokens)
    {
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
    }
}
