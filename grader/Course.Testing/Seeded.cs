using TorchSharp;
using static TorchSharp.torch;

namespace Course.Testing;

/// <summary>
/// Seeded test inputs: drawn on the CPU from an explicit generator, so that the same seed gives the same
/// values on every machine, then moved to <see cref="TestDevice.Current"/>.
/// </summary>
public sealed class Seeded : IDisposable
{
    readonly Generator generator;

    /// <param name="seed">The test's seed. While goldens are recorded with <see cref="Golden.SaltVariable"/> set, the
    /// generator starts from the seed mixed with that salt instead, so the same test records other inputs (the public
    /// goldens' hidden replays; see <see cref="Golden"/>).</param>
    public Seeded(long seed)
    {
        Seed = seed;
        generator = new Generator(unchecked((ulong)seed ^ (Golden.RecordingSalt * 0x9E3779B97F4A7C15UL)), CPU);
    }

    public long Seed { get; }

    /// <summary>The CPU generator, for sampling code under test that takes one.</summary>
    public Generator Generator => generator;

    /// <summary>Standard normal values, float32 unless <paramref name="dtype"/> says otherwise.</summary>
    public Tensor Randn(long[] shape, ScalarType dtype = ScalarType.Float32) =>
        randn(shape, dtype, CPU, generator: generator).to(TestDevice.Current);

    /// <summary>Uniform values in [0, 1).</summary>
    public Tensor Rand(long[] shape, ScalarType dtype = ScalarType.Float32) =>
        rand(shape, dtype, CPU, generator: generator).to(TestDevice.Current);

    /// <summary>Integers in [low, high), int64: token ids and labels.</summary>
    public Tensor Randint(long low, long high, long[] shape) =>
        randint(low, high, shape, ScalarType.Int64, CPU, generator: generator).to(TestDevice.Current);

    /// <summary>Values drawn on the CPU and left there, e.g. to build expected results by hand.</summary>
    public Tensor RandnCpu(long[] shape, ScalarType dtype = ScalarType.Float32) =>
        randn(shape, dtype, CPU, generator: generator);

    public void Dispose() => generator.Dispose();
}
