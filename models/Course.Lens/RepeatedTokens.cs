using static TorchSharp.torch;

namespace Course.Lens;

/// <summary>
/// Sequences of uniformly random tokens that repeat, the data on which induction heads show (Olsson et al. 2022, "In-context
/// Learning and Induction Heads"). All draws come from the given CPU generator, so a seed fixes the tokens.
/// </summary>
public static class RepeatedTokens
{
    /// <summary>
    /// <c>[batch, length]</c> int64: each row a block of random tokens, of a period drawn per row from
    /// <paramref name="minPeriod"/>..<paramref name="maxPeriod"/>, repeated to fill the row. Only copying what followed the
    /// current token last time predicts the repeats: the period varies from row to row, so no fixed offset does.
    /// </summary>
    public static Tensor Periodic(long batch, long length, long d_vocab, long minPeriod, long maxPeriod, Generator generator)
    {
        using var scope = NewDisposeScope();
        var blocks = randint(0, d_vocab, [batch, maxPeriod], dtype: ScalarType.Int64, generator: generator); // [batch, max_period]
        var periods = randint(minPeriod, maxPeriod + 1, [batch, 1], dtype: ScalarType.Int64, generator: generator); // [batch, 1]
        var within = arange(length, dtype: ScalarType.Int64).unsqueeze(0).remainder(periods); // [batch, length]
        return blocks.gather(1, within).MoveToOuterDisposeScope(); // [batch, length]
    }

    /// <summary><c>[batch, 2 half]</c> int64: <paramref name="half"/> random tokens, then the same tokens again.</summary>
    public static Tensor Repeated(long batch, long half, long d_vocab, Generator generator)
    {
        using var scope = NewDisposeScope();
        var first = randint(0, d_vocab, [batch, half], dtype: ScalarType.Int64, generator: generator); // [batch, half]
        return cat([first, first], 1).MoveToOuterDisposeScope(); // [batch, 2 half]
    }
}
