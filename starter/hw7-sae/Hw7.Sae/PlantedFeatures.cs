using TorchSharp;
using static TorchSharp.torch;

namespace Hw7.Sae;

/// <summary>
/// Data with known features: <c>n_planted</c> random unit directions in <c>d_in</c> dimensions (more directions than
/// dimensions, so they cannot be orthogonal), and inputs that are sparse nonnegative combinations of them. An SAE
/// that works should find the planted directions among its decoder rows.
/// </summary>
public sealed class PlantedFeatures
{
    /// <summary>GIVEN. Directions drawn (on the CPU) from a normal distribution seeded by <paramref name="seed"/>, scaled to unit norm.</summary>
    /// <param name="activeProbability">The chance that each planted feature is present in an input.</param>
    public PlantedFeatures(long d_in, long n_planted, double activeProbability, long seed)
    {
        using var generator = new Generator((ulong)seed, CPU);
        var directions = randn([n_planted, d_in], generator: generator); // [n_planted, d_in]
        Directions = directions / linalg.vector_norm(directions, dims: [1], keepdim: true);
        ActiveProbability = activeProbability;
    }

    /// <summary><c>[n_planted, d_in]</c> float32 on the CPU: unit rows.</summary>
    public Tensor Directions { get; }

    public double ActiveProbability { get; }

    /// <summary>
    /// GIVEN. <c>[batch, d_in]</c> on the CPU: <c>c Directions</c>, where each coefficient <c>c [batch, n_planted]</c> is 0
    /// with probability <c>1 − ActiveProbability</c> and uniform in [0, 1) otherwise.
    /// </summary>
    public Tensor Sample(long batch, Generator generator)
    {
        var shape = new[] { batch, Directions.shape[0] };
        var active = rand(shape, generator: generator) < ActiveProbability; // [batch, n_planted]
        var coefficients = rand(shape, generator: generator) * active; // [batch, n_planted]
        return coefficients.matmul(Directions); // [batch, d_in]
    }

    /// <summary>
    /// <c>directions [n_planted, d_in]</c>, <c>W_dec [d_sae, d_in]</c> → <c>[n_planted]</c> float32: for each planted
    /// direction the largest cosine similarity with any decoder row (rows need not be unit).
    /// </summary>
    public static Tensor MaxCosines(Tensor directions, Tensor W_dec)
    {
        throw new NotImplementedException("PlantedFeatures.MaxCosines: normalise the rows of both, cosines = directions W_decᵀ [n_planted, d_sae], the max over dim 1");
    }

    /// <summary>GIVEN. The fraction of <paramref name="maxCosines"/> at or above <paramref name="threshold"/>.</summary>
    public static double FractionRecovered(Tensor maxCosines, double threshold) =>
        (maxCosines >= threshold).to(ScalarType.Float64).mean().item<double>();
}
