using TorchSharp;
using static TorchSharp.torch;

namespace Hw7.Sae;

/// <summary>
/// The toy model's data (Elhage et al. 2022, "Toy Models of Superposition"): <c>n_features</c> independent features,
/// each exactly zero with probability <c>S</c> (the sparsity) and uniform in [0, 1) otherwise. Many instances of the
/// model are trained at once, each on data of its own sparsity, so a batch is <c>[batch, n_inst, n_features]</c>.
/// </summary>
public static class SyntheticFeatures
{
    /// <summary>
    /// <c>[batch, n_inst, n_features]</c> float32: feature <c>f</c> of instance <c>i</c> in row <c>b</c> is 0 with
    /// probability <c>sparsity[i]</c> and uniform in [0, 1) otherwise, every entry independent of every other. All the
    /// randomness comes from <paramref name="generator"/> (a CPU generator), so the same generator state gives the same
    /// batch; the result is moved to <paramref name="device"/> (the CPU when null).
    /// </summary>
    /// <param name="sparsity"><c>[n_inst]</c>: each instance's probability that a feature is zero (on any device).</param>
    public static Tensor Generate(long batch, Tensor sparsity, long nFeatures, Generator generator, Device? device = null)
    {
        long nInst = sparsity.shape[0];
        long[] shape = [batch, nInst, nFeatures];
        var magnitude = rand(shape, ScalarType.Float32, CPU, generator: generator); // [batch, n_inst, n_features]
        var seeds = rand(shape, ScalarType.Float32, CPU, generator: generator); // [batch, n_inst, n_features]
        var zero = seeds < sparsity.to(ScalarType.Float32).cpu().reshape(1, nInst, 1); // [batch, n_inst, n_features]
        return magnitude.masked_fill(zero, 0).to(device ?? CPU);
    }
}

/// <summary>How much each feature counts in the loss.</summary>
public static class Importance
{
    /// <summary><c>[n_features]</c> float32: <c>I_i = ratio^i</c>, so feature 0 matters most (the paper uses 0.7, ARENA 0.9).</summary>
    public static Tensor Geometric(long nFeatures, double ratio)
    {
        return full([nFeatures], ratio, ScalarType.Float64).pow(arange(nFeatures, ScalarType.Float64)).to(ScalarType.Float32);
    }
}
