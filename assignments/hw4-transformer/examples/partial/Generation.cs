using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer;

/// <summary>Autoregressive sampling from the model: predict, draw one token, append it, repeat.</summary>
public sealed partial class Transformer
{
    /// <summary>
    /// <c>prompt [batch, pos] (int64, pos &gt;= 1) → [batch, pos + maxNewTokens]</c>: the prompt followed by
    /// <paramref name="maxNewTokens"/> tokens, each drawn with <see cref="Sampling.SampleNext"/> from the logits of the last
    /// position, given the last min(length, n_ctx - 1) tokens (every token, up to n_ctx - 1). Temperature 0 is greedy decoding; <paramref name="topK"/> null keeps
    /// every token. Without gradients, and without modifying <paramref name="prompt"/>.
    /// <para>
    /// Why n_ctx - 1: trained with the shifted loss on windows of at most n_ctx tokens, a model never learns a prediction made
    /// from n_ctx tokens (the target of the last position lies outside its window), so n_ctx - 1 is the longest context it
    /// has learned to predict from.
    /// </para>
    /// </summary>
    public Tensor Generate(Tensor prompt, int maxNewTokens, double temperature = 1.0, int? topK = null, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        if (prompt.dim() != 2 || prompt.shape[1] < 1)
            throw new ArgumentException($"prompt must be [batch, pos] with pos >= 1, got [{string.Join(", ", prompt.shape)}]", nameof(prompt));
        using var noGrad = no_grad();
        throw new NotImplementedException("Transformer.Generate: loop maxNewTokens times: crop to the last n_ctx - 1 tokens, take the logits of the last position, SampleNext, append with cat along dim 1");
    }
}
