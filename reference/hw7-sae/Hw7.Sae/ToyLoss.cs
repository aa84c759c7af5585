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
        // BEGIN SOLUTION: weight the squared error by importance (it broadcasts against [batch, n_inst, n_features] as it is), then the mean over axes 0 (batch) and 2 (features)
        var error = importance.to(output.device) * (features - output).pow(2); // [batch, n_inst, n_features]
        return error.mean([0, 2]); // [n_inst]
        // END SOLUTION
    }

    /// <summary>The scalar trained on: <see cref="PerInstance"/> summed over the instances.</summary>
    public static Tensor Of(Tensor output, Tensor features, Tensor importance)
    {
        // BEGIN SOLUTION: PerInstance summed over its only axis
        return PerInstance(output, features, importance).sum();
        // END SOLUTION
    }
}
