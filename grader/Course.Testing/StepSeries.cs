using System.Globalization;
using static TorchSharp.torch;

namespace Course.Testing;

/// <summary>
/// A number per step of a run (its losses, its mean rewards) against the same run written out in the test: where the two
/// part, and how to print them in a message.
/// </summary>
public static class StepSeries
{
    /// <summary>
    /// The first step at which <paramref name="actual"/> parts from <paramref name="expected"/>, or -1 when they agree
    /// throughout: the smallest i whose steps 0..i are not close under <paramref name="tolerance"/>, compared as
    /// <see cref="TensorAssert.Close"/> compares a tensor, at the scale of those steps. Both have the same number of steps.
    /// </summary>
    public static int FirstApart(IReadOnlyList<double> actual, IReadOnlyList<double> expected, Tolerance tolerance)
    {
        if (actual.Count != expected.Count)
            throw new ArgumentException($"{actual.Count} steps against {expected.Count}: check the lengths first", nameof(actual));
        using var scope = NewDisposeScope();
        bool Agree(int steps) => TensorAssert.CloseFailure(Values(actual, steps), Values(expected, steps), tolerance) is null;
        if (Agree(actual.Count)) return -1;
        return Enumerable.Range(0, actual.Count).First(i => i == actual.Count - 1 || !Agree(i + 1));
    }

    /// <summary><c>[v0, v1, ...]</c>, each with six significant digits.</summary>
    public static string Show(IEnumerable<double> values) =>
        "[" + string.Join(", ", values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture))) + "]";

    static Tensor Values(IReadOnlyList<double> values, int steps) => tensor(values.Take(steps).ToArray(), ScalarType.Float64);
}
