using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Testing;

/// <summary>
/// Tensor assertions whose failure messages tell a student what is wrong: shape, dtype, NaN and Inf
/// counts, the worst element with its index, and a few values side by side.
/// </summary>
public static class TensorAssert
{
    const int ShownValues = 5;

    /// <summary>
    /// Asserts that <paramref name="actual"/> matches <paramref name="expected"/> in shape, dtype and
    /// value, within <paramref name="tolerance"/> (by default <see cref="Tolerance.For(Tensor)"/> of the expected tensor), each
    /// value at the scale of the expected tensor (see <see cref="Tolerance"/>). With <paramref name="axes"/>, one name per
    /// dimension, a failure names the cells it shows that way (<c>[layer 1, position 7]</c>), e.g. for a grid the student reads.
    /// </summary>
    public static void Close(Tensor? actual, Tensor expected, Tolerance? tolerance = null, string? name = null, bool equalNan = false, IReadOnlyList<string>? axes = null)
    {
        var failure = CloseFailure(actual, expected, tolerance, name, equalNan, axes);
        if (failure is not null) Assert.Fail(failure);
    }

    /// <summary>The message <see cref="Close"/> would fail with, or null when the tensors match.</summary>
    public static string? CloseFailure(Tensor? actual, Tensor expected, Tolerance? tolerance = null, string? name = null, bool equalNan = false, IReadOnlyList<string>? axes = null)
    {
        if (axes is not null && axes.Count != expected.dim())
            throw new ArgumentException($"{axes.Count} axis names for a tensor of {expected.dim()} dimensions", nameof(axes));
        var what = name is null ? "tensor" : name;
        if (actual is null) return $"{what}: got null, expected a tensor of shape {Format(expected.shape)}";
        if (actual.IsInvalid) return $"{what}: the tensor was disposed before it could be checked (was it created inside a using block?)";
        if (!actual.shape.SequenceEqual(expected.shape))
            return $"{what}: shape mismatch: got {Format(actual.shape)}, expected {Format(expected.shape)}{ShapeHint(actual.shape, expected.shape)}";
        if (actual.dtype != expected.dtype)
            return DtypeFailure(what, actual, expected, tolerance, equalNan, axes);
        return ValuesFailure(what, actual, expected, tolerance ?? Tolerance.For(expected), equalNan, axes);
    }

    /// <summary>
    /// The values compared, read as float64, each at the scale of the expected tensor; null when they match. Every line
    /// starts from <paramref name="what"/>, the name of what is compared.
    /// </summary>
    static string? ValuesFailure(string what, Tensor actual, Tensor expected, Tolerance tol, bool equalNan, IReadOnlyList<string>? axes)
    {
        using var scope = NewDisposeScope();
        double[] a = ToDoubles(actual), e = ToDoubles(expected);
        var shape = expected.shape;

        // NaN and infinities first: where they are tells more than any distance, and no tolerance covers them.
        var nonFinite = NonFiniteReport.Describe(what, a, e, shape, equalNan);
        if (nonFinite is not null) return nonFinite;

        var report = new StringBuilder();
        var mismatches = new List<int>();
        var scale = Tolerance.ScaleOf(e);
        double maxAbs = 0, maxRel = 0, worstRatio = -1;
        int worst = -1;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i].Equals(e[i]) || (equalNan && double.IsNaN(a[i]) && double.IsNaN(e[i]))) continue;
            double diff = Math.Abs(a[i] - e[i]);
            double allowed = tol.Allowed(e[i], scale);
            if (double.IsNaN(diff) || double.IsInfinity(diff)) diff = double.PositiveInfinity;
            maxAbs = Math.Max(maxAbs, diff);
            if (e[i] != 0) maxRel = Math.Max(maxRel, diff / Math.Abs(e[i]));
            if (diff <= allowed) continue;
            mismatches.Add(i);
            double ratio = allowed == 0 ? double.PositiveInfinity : diff / allowed;
            if (ratio > worstRatio || worst < 0) { worstRatio = ratio; worst = i; }
        }
        if (mismatches.Count == 0) return null;

        // The first line, which a report's table shows, leads with the element (or the grid's cell, in the grid's own words)
        // that is most wrong and any pattern the mismatches share; the tolerance and the other values follow.
        var pattern = MismatchPattern(a, e) ?? (axes is null ? null : ShiftPattern(a, e, shape, axes, tol, scale));
        var hint = pattern is null ? "" : $"; hint: {pattern}";
        var (got, want) = Values(a[worst], e[worst]);
        var first = a.Length == 1
            ? string.Create(CultureInfo.InvariantCulture, $"{what}: got {got}, expected {want}{ScalarHint(a[0], e[0])}")
            : axes is not null
                ? string.Create(CultureInfo.InvariantCulture, $"{what}: worst at {FormatIndex(worst, shape, axes)}, got {got}, expected {want}; " +
                    $"{mismatches.Count} of {a.Length} cells differ{hint}")
                : string.Create(CultureInfo.InvariantCulture, $"{what}: {mismatches.Count} of {a.Length} elements ({100.0 * mismatches.Count / a.Length:0.#}%) differ; " +
                    $"worst at index {FormatIndex(worst, shape)}: got {got}, expected {want}{hint}");
        report.Append(first).Append(first.EndsWith('?') ? "" : ".");
        report.Append(CultureInfo.InvariantCulture, $"\n  beyond {tol} (at the tensor's scale {scale:G3}); max abs error {maxAbs:G4}, max rel error {maxRel:G4}");
        if (a.Length > 1)
        {
            report.Append("\n  first mismatches (index: got vs expected):");
            foreach (var i in mismatches.Take(ShownValues))
            {
                var (x, y) = Values(a[i], e[i]);
                report.Append(CultureInfo.InvariantCulture, $"\n    {FormatIndex(i, shape, axes)}: {x} vs {y}");
            }
            if (mismatches.Count > ShownValues) report.Append(CultureInfo.InvariantCulture, $"\n    ... and {mismatches.Count - ShownValues} more");
        }
        return report.ToString();
    }

    /// <summary>
    /// A dtype mismatch, and what the values say: a correct result in another dtype (float64 computed inside and never
    /// converted back) hears that only its dtype is wrong, and a wrong one hears both. The values are compared in float64,
    /// never converted to the expected dtype first, which would make them right by rounding (1.9 read as an int64 is 1: a
    /// red team, stop 62), with the tolerance of the expected dtype.
    /// </summary>
    static string DtypeFailure(string what, Tensor actual, Tensor expected, Tolerance? tolerance, bool equalNan, IReadOnlyList<string>? axes)
    {
        var mismatch = $"{what}: dtype mismatch: got {actual.dtype}, expected {expected.dtype}";
        if (actual.is_complex() || expected.is_complex()) return mismatch;
        string? values;
        try { values = ValuesFailure($"{mismatch}, and the values differ too", actual, expected, tolerance ?? Tolerance.For(expected), equalNan, axes); }
        catch (Exception e) when (e is ExternalException or ArgumentException or InvalidOperationException) { return mismatch; }
        return values ?? $"{mismatch}; the values are right, so convert the result to {expected.dtype} before returning it (computing in another dtype inside is fine)";
    }

    /// <summary>Asserts the shape of a tensor.</summary>
    public static void Shape(Tensor? actual, long[] expected, string? name = null)
    {
        var what = name ?? "tensor";
        if (actual is null) Assert.Fail($"{what}: got null, expected a tensor of shape {Format(expected)}");
        else if (!actual.shape.SequenceEqual(expected))
            Assert.Fail($"{what}: shape mismatch: got {Format(actual.shape)}, expected {Format(expected)}{ShapeHint(actual.shape, expected)}");
    }

    /// <summary>Asserts that no element is NaN or infinite.</summary>
    public static void AllFinite(Tensor actual, string? name = null)
    {
        var values = ToDoubles(actual);
        int nan = values.Count(double.IsNaN), inf = values.Count(double.IsInfinity);
        if (nan + inf == 0) return;
        int first = Array.FindIndex(values, v => !double.IsFinite(v));
        Assert.Fail($"{name ?? "tensor"}: {nan} NaN and {inf} Inf values out of {values.Length}; first at index {FormatIndex(first, actual.shape)}");
    }

    internal static double[] ToDoubles(Tensor t)
    {
        using var cpu = t.detach().cpu();
        using var asDouble = cpu.to_type(ScalarType.Float64);
        using var flat = asDouble.contiguous().flatten();
        return flat.data<double>().ToArray();
    }

    internal static string Format(long[] shape) => "[" + string.Join(", ", shape) + "]";

    internal static string FormatIndex(int flat, long[] shape, IReadOnlyList<string>? axes = null)
    {
        if (shape.Length == 0) return "[]";
        var index = new long[shape.Length];
        long rest = flat;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = shape[d] == 0 ? 0 : rest % shape[d];
            rest = shape[d] == 0 ? 0 : rest / shape[d];
        }
        return axes is null ? Format(index) : "[" + string.Join(", ", index.Select((i, d) => $"{axes[d]} {i}")) + "]";
    }

    static string Value(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>
    /// Two values that differ, with as many digits as it takes to see it (6, else 9, 12 or 17): a red team (stop 60) read
    /// "got 0.0375893, expected 0.0375893" for a float32 solve held to float64's tolerance.
    /// </summary>
    static (string Actual, string Expected) Values(double actual, double expected)
    {
        foreach (var digits in new[] { 6, 9, 12, 17 })
        {
            var (x, y) = (actual.ToString("G" + digits, CultureInfo.InvariantCulture), expected.ToString("G" + digits, CultureInfo.InvariantCulture));
            if (x != y || actual.Equals(expected)) return (x, y);
        }
        return (actual.ToString("G17", CultureInfo.InvariantCulture), expected.ToString("G17", CultureInfo.InvariantCulture));
    }

    static string ShapeHint(long[] actual, long[] expected)
    {
        if (actual.Length != expected.Length)
            return $" ({actual.Length} dimensions instead of {expected.Length}: a missing or extra unsqueeze, squeeze or reshape?)";
        if (actual.OrderBy(x => x).SequenceEqual(expected.OrderBy(x => x)))
            return " (same sizes in another order: a transpose or permute is off?)";
        var dims = Enumerable.Range(0, actual.Length).Where(d => actual[d] != expected[d]).ToList();
        return $" (dimension {string.Join(", ", dims)} differs)";
    }

    /// <summary>
    /// A grid whose cells hold their neighbours' expected values along one axis: an index off by one (patching position
    /// p + 1 for cell p). Only said when every overlapping cell matches and the shift explains a real mismatch.
    /// </summary>
    static string? ShiftPattern(double[] a, double[] e, long[] shape, IReadOnlyList<string> axes, Tolerance tol, double scale)
    {
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] < 3) continue;
            long stride = 1;
            for (int k = d + 1; k < shape.Length; k++) stride *= shape[k];
            foreach (var shift in new[] { 1, -1 })
            {
                bool matches = true, compared = false;
                for (int i = 0; i < a.Length && matches; i++)
                {
                    long along = i / stride % shape[d] + shift;
                    if (along < 0 || along >= shape[d]) continue;
                    double expected = e[i + shift * stride];
                    matches = Math.Abs(a[i] - expected) <= tol.Allowed(expected, scale);
                    compared = true;
                }
                if (matches && compared)
                    return $"each cell holds what its neighbour at {axes[d]} {(shift > 0 ? "+1" : "-1")} should: an index off by one along {axes[d]}?";
            }
        }
        return null;
    }

    /// <summary>What a result of zeros where the expected is not says, for one number or for every element.</summary>
    const string ZerosHint = "where the expected is not: is the result ever computed, or multiplied by a zero?";

    /// <summary>" (6 times the expected value)", " (the expected value with the opposite sign)", or "" where no ratio tells anything.</summary>
    static string ScalarHint(double actual, double expected)
    {
        if (Math.Abs(expected) <= 1e-6 || !double.IsFinite(actual)) return "";
        if (actual == 0) return $" (0 {ZerosHint})";
        var ratio = actual / expected;
        if (Math.Abs(ratio - 1) < 1e-3) return ""; // close, not a factor: the digits say how close
        return Math.Abs(ratio + 1) < 1e-3 ? " (the expected value with the opposite sign: a sign is flipped?)"
            : string.Create(CultureInfo.InvariantCulture, $" ({ratio:G4} times the expected value)");
    }

    static string? MismatchPattern(double[] a, double[] e) => FactorPattern(a, e) ?? OffsetPattern(a, e);

    static string? FactorPattern(double[] a, double[] e)
    {
        // Common slips show up as a constant ratio between actual and expected: a missing or doubled scale.
        var ratios = Enumerable.Range(0, a.Length).Where(i => Math.Abs(e[i]) > 1e-6 && double.IsFinite(a[i]))
            .Select(i => a[i] / e[i]).ToList();
        if (ratios.Count < 2) return null;
        double mean = ratios.Average();
        if (Math.Abs(mean - 1) < 1e-3 || ratios.Any(r => Math.Abs(r - mean) > 1e-3 * Math.Max(1, Math.Abs(mean)))) return null;
        // All zeros is no factor: nothing was written, or everything was multiplied by zero (a red team's stub, stop 61).
        if (ratios.All(r => r == 0)) return $"every value is 0 {ZerosHint}";
        return Math.Abs(mean + 1) < 1e-3 ? "every value has the opposite sign: a sign is flipped?"
            : string.Create(CultureInfo.InvariantCulture, $"every value is off by the same factor {mean:G4}: a scale is missing, doubled or inverted?");
    }

    /// <summary>
    /// Every value off by the same amount (a red team, round 18: rewards all 0.7 below the expected ones, with the head's bias
    /// of 0.7 named on the same line): a bias or another constant term left out, or added twice. The differences agree to
    /// 1e-3 of the values' scale, as the factors above agree to 1e-3 of theirs.
    /// </summary>
    static string? OffsetPattern(double[] a, double[] e)
    {
        var differences = Enumerable.Range(0, a.Length).Where(i => double.IsFinite(a[i]) && double.IsFinite(e[i])).Select(i => a[i] - e[i]).ToList();
        if (differences.Count < 2) return null;
        double mean = differences.Average(), scale = Math.Max(Tolerance.ScaleOf(e), Math.Abs(mean));
        // The same amount must stand out from how far the differences spread (ten times what they may spread by).
        if (Math.Abs(mean) < 1e-2 * scale || differences.Any(d => Math.Abs(d - mean) > 1e-3 * scale)) return null;
        return string.Create(CultureInfo.InvariantCulture, $"every value is off by the same amount {mean:G4}: a bias or another constant term left out, or added twice?");
    }
}
