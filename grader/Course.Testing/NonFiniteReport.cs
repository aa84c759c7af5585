using System.Globalization;
using System.Text;

namespace Course.Testing;

/// <summary>
/// The message for tensors whose NaN and infinities are not where the expected tensor has them: one line that says
/// what was expected where, what came instead and the likely bug for that case (a NaN where a number was expected is
/// a 0/0 or a log of a negative; a finite value where -inf was expected is a mask not applied; -inf where a number was
/// expected is a mask applied too widely), then the counts and the first positions that differ.
/// </summary>
static class NonFiniteReport
{
    const int ShownPositions = 5;

    enum Kind { Finite, NaN, PositiveInfinity, NegativeInfinity }

    /// <summary>
    /// Null when every +inf and -inf of <paramref name="expected"/> is matched by the same in <paramref name="actual"/>, and
    /// nowhere else, and <paramref name="actual"/> has no NaN; with <paramref name="equalNan"/>, a NaN where
    /// <paramref name="expected"/> has one matches (torch.testing's rule: NaN equals nothing unless asked).
    /// </summary>
    public static string? Describe(string what, double[] actual, double[] expected, long[] shape, bool equalNan = false)
    {
        var differing = Enumerable.Range(0, actual.Length)
            .Where(i => KindOf(actual[i]) != KindOf(expected[i]) || (!equalNan && double.IsNaN(actual[i])))
            .ToList();
        if (differing.Count == 0) return null;

        var byCase = differing.GroupBy(i => (Expected: KindOf(expected[i]), Actual: KindOf(actual[i])))
            .ToDictionary(g => g.Key, g => g.ToList());
        var report = new StringBuilder(what).Append(": ");
        if (byCase.TryGetValue((Kind.NegativeInfinity, Kind.Finite), out var unmasked) && byCase.TryGetValue((Kind.Finite, Kind.NegativeInfinity), out var overmasked))
        {
            int u = unmasked[0], o = overmasked[0];
            report.Append(CultureInfo.InvariantCulture,
                    $"expected -inf at {At(u, shape)} but got {Value(actual[u])}, and got -inf at {At(o, shape)} where {Value(expected[o])} was expected ")
                .Append(CultureInfo.InvariantCulture, $"({unmasked.Count} masked positions left unmasked, {overmasked.Count} unmasked positions masked): ")
                .Append("the mask covers the wrong positions (the wrong triangle, transposed, or its diagonal off by one?).");
        }
        else
        {
            var first = differing[0];
            var lead = (KindOf(expected[first]), KindOf(actual[first]));
            report.Append(Lead(lead, At(first, shape), actual[first], expected[first], byCase[lead].Count - 1,
                expectedHasNegativeInfinity: expected.Any(double.IsNegativeInfinity)));
        }

        report.Append(CultureInfo.InvariantCulture,
            $"\n  got {Counts(actual)}; expected {Counts(expected)}");
        report.Append("\n  first positions that differ (index: got vs expected):");
        foreach (var i in differing.Take(ShownPositions))
            report.Append(CultureInfo.InvariantCulture, $"\n    {At(i, shape)}: {Value(actual[i])} vs {Value(expected[i])}");
        if (differing.Count > ShownPositions)
            report.Append(CultureInfo.InvariantCulture, $"\n    ... and {differing.Count - ShownPositions} more");
        return report.ToString();
    }

    static string Lead((Kind Expected, Kind Actual) c, string at, double actual, double expected, int more, bool expectedHasNegativeInfinity)
    {
        var also = more switch
        {
            0 => "",
            1 => " (and at 1 more position)",
            _ => string.Create(CultureInfo.InvariantCulture, $" (and at {more} more positions)"),
        };
        string got = Value(actual), wanted = Value(expected);
        return c switch
        {
            (Kind.Finite, Kind.NaN) =>
                $"got NaN at {at} where {wanted} was expected{also}. Look for 0/0, inf - inf or 0 * inf, the log or sqrt of a negative number, " +
                "or a softmax over a row that is entirely -inf.",
            (Kind.Finite, Kind.PositiveInfinity) =>
                $"got +inf at {at} where {wanted} was expected{also}. Look for a division by zero, or an exp that overflows " +
                "(subtract the row's max before exp).",
            (Kind.Finite, Kind.NegativeInfinity) when expectedHasNegativeInfinity =>
                $"got -inf at {at} where {wanted} was expected{also}: the -inf mask reaches positions it should not " +
                "(does it cover the diagonal, or the wrong triangle?).",
            (Kind.Finite, Kind.NegativeInfinity) =>
                $"got -inf at {at} where {wanted} was expected{also}. Look for the log of 0, or a -inf mask where none belongs.",
            (Kind.NegativeInfinity, Kind.Finite) =>
                $"expected -inf at {at} (masked out) but got {got}{also}: the mask is not applied there. Is the result of masked_fill " +
                "used (it returns a new tensor; masked_fill_ changes its own), and does the mask select these positions?",
            (Kind.PositiveInfinity, Kind.Finite) =>
                $"expected +inf at {at} but got {got}{also}: the reference overflows or divides by zero here; check the operation and its order.",
            (Kind.PositiveInfinity, Kind.NegativeInfinity) or (Kind.NegativeInfinity, Kind.PositiveInfinity) =>
                $"expected {wanted} at {at} but got {got}{also}: the infinity's sign is swapped (a fill value of the wrong sign, or a missing minus).",
            (Kind.PositiveInfinity or Kind.NegativeInfinity, Kind.NaN) =>
                $"got NaN at {at} where {wanted} was expected{also}: an infinity went through inf - inf or 0 * inf " +
                "(subtracting a row's max when that max is itself -inf?).",
            (Kind.NaN, Kind.NaN) =>
                $"got NaN at {at}, and the value it is checked against is NaN too{also}: NaN equals nothing, so there is no answer there to " +
                "match. Look for 0/0, inf - inf or 0 * inf, the log or sqrt of a negative number, or a softmax over a row that is entirely -inf.",
            (Kind.NaN, _) =>
                $"expected NaN at {at} but got {got}{also}: the reference is undefined at this position, so this computes something else there.",
            _ => $"expected {wanted} at {at} but got {got}{also}.",
        };
    }

    static Kind KindOf(double v) => v switch
    {
        double.NaN => Kind.NaN,
        double.PositiveInfinity => Kind.PositiveInfinity,
        double.NegativeInfinity => Kind.NegativeInfinity,
        _ => Kind.Finite,
    };

    static string Counts(double[] values) => string.Create(CultureInfo.InvariantCulture,
        $"{values.Count(double.IsNaN)} NaN, {values.Count(double.IsPositiveInfinity)} +inf and {values.Count(double.IsNegativeInfinity)} -inf");

    static string At(int flat, long[] shape) => TensorAssert.FormatIndex(flat, shape);

    static string Value(double v) => v switch
    {
        double.PositiveInfinity => "+inf",
        double.NegativeInfinity => "-inf",
        double.NaN => "NaN",
        _ => v.ToString("G6", CultureInfo.InvariantCulture),
    };
}
