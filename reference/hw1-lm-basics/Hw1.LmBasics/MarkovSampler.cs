using TorchSharp;
using static TorchSharp.torch;

namespace Hw1.LmBasics;

/// <summary>
/// Ancestral sampling from a bigram model: <c>x_0 ~ start</c>, then <c>x_t ~ M[x_{t-1}, :]</c> (row x_{t-1} of M).
/// All randomness comes from the generator passed in, never from the global seed, so a run can be repeated.
/// </summary>
public static class MarkovSampler
{
    /// <summary>
    /// <paramref name="batch"/> independent sequences of <paramref name="length"/> tokens: <c>[batch, length]</c>
    /// int64 on the CPU (<c>[batch, 0]</c> for a length of 0). <c>M [V, V]</c> is row-stochastic, <c>start [V]</c> a distribution. Draw with
    /// <c>multinomial(..., generator: generator)</c>; the generator lives on the CPU, so draw there (move M and
    /// start to the CPU first). Sample all sequences of the batch at once, one time step at a time.
    /// </summary>
    public static Tensor Sample(Tensor M, Tensor start, long batch, long length, Generator generator)
    {
        // BEGIN SOLUTION: draw x_0 for every sequence from start, then for t >= 1 draw from the rows M[x_{t-1}] (index_select) with multinomial and the generator
        var transitions = M.to(CPU).to_type(ScalarType.Float64); // [V, V]
        if (length == 0) return zeros([batch, 0], ScalarType.Int64);
        var startRows = start.to(CPU).to_type(ScalarType.Float64).unsqueeze(0).expand(batch, -1); // [batch, V]
        var current = startRows.multinomial(1, true, generator).squeeze(1); // [batch]
        var columns = new List<Tensor> { current };
        for (long t = 1; t < length; t++)
        {
            current = transitions.index_select(0, current).multinomial(1, true, generator).squeeze(1); // [batch]
            columns.Add(current);
        }
        return stack(columns, 1); // [batch, length]
        // END SOLUTION
    }
}
