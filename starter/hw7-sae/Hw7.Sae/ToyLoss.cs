using static TorchSharp.torch;

namespace Hw7.Sae;

/// <summary>
/// The toy model's loss, importance-weighted mean squared error (ARENA's reduction): for each instance <c>i</c>, the mean
/// over the batch and the features of <c>I_f · (x[b, i, f] − x'[b, i, f])²</c>; the loss trained on is that summed over
/// the instances. Summing (not averaging) keeps each instance's gradient what it would be if it were trained alone:
/// instance <c>i</c>'s parameters only see its own term.
/// </summary>
public static class ToyLoss
{
    /// <summary>
    /// <c>[n_inst]</c>, float32 like the features: <c>mean over b and f of importance[f] · (features − output)²</c> for each
    /// instance, differentiable.
    /// </summary>
    /// <param name="output"><c>x' [batch, n_inst, n_features]</c>, the model's reconstruction.</param>
    /// <param name="features"><c>x [batch, n_inst, n_features]</c>, its input.</param>
    /// <param name="importance"><c>[n_features]</c>, or <c>[n_inst, n_features]</c> for a different importance per instance.</param>
    public static Tensor PerInstance(Tensor output, Tensor features, Tensor importance)
    {
        throw new NotImplementedException("ToyLoss.PerInstance: weight the squared error by importance (it broadcasts against [batch, n_inst, n_features] as it is), then the mean over axes 0 (batch) and 2 (features)");
    }

    /// <summary>The scalar trained on: <see cref="PerInstance"/> summed over the instances.</summary>
    public static Tensor Of(Tensor output, Tensor features, Tensor importance)
    {
        throw new NotImplementedException("ToyLoss.Of: PerInstance summed over its only axis");
    }
}
