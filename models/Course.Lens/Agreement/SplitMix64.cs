namespace Course.Lens.Agreement;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014): the grammar's random numbers, the same on every machine and .NET version
/// (the seeded sequence of <see cref="Random"/> is not promised to stay).
/// </summary>
public sealed class SplitMix64(ulong state)
{
    /// <summary>True or false, each with probability 1/2.</summary>
    public bool Coin() => Next() >> 63 == 1;

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Uniform in [0, 1), from the top 53 bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>One of <paramref name="choices"/>, each equally likely (up to a bias below 2^-60).</summary>
    public T Pick<T>(IReadOnlyList<T> choices) => choices[(int)(Next() % (ulong)choices.Count)];

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
