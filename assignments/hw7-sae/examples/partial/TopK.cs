using static TorchSharp.torch;

namespace Hw7.Sae;

/// <summary>
/// The TopK activation of Gao et al. (2024), "Scaling and evaluating sparse autoencoders": each input keeps its k
/// largest pre-activations (through a ReLU, so a kept negative one is 0) and every other latent is 0. L0 is then at
/// most k by construction, and no L1 penalty is needed.
/// </summary>
public static class TopK
{
    /// <summary>
    /// <c>pre [batch, d_sae] → z [batch, d_sae]</c>: in each row, ReLU of the k largest entries at their places, 0
    /// elsewhere. Exactly k places per row are kept even when values tie (which of the tied ones does not matter).
    /// </summary>
    public static Tensor Keep(Tensor pre, int k)
    {
        throw new NotImplementedException("TopK.Keep: pre.topk(k, dim: -1) gives (values, indices) [batch, k]; scatter ReLU(values) at indices into zeros_like(pre) along the last dim (no threshold at the k-th value: ties would keep more than k)");
    }
}
