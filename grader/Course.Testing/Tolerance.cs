using TorchSharp;
using static TorchSharp.torch;

namespace Course.Testing;

/// <summary>
/// |actual_i − expected_i| ≤ Atol + Rtol · max(|expected_i|, scale), where scale is the root mean square of the expected
/// tensor's finite values: each value is compared at the scale of the tensor it lives in.
/// <para>
/// The principle: rounding error in a value comes from the terms that produced it, and those are on the scale of the
/// whole tensor, not of the value. A residual-stream entry near zero is the sum of terms of size ~5; another correct
/// order of operations (W_V W_O before the pattern, einsum against matmul, a GPU's split reductions) moves it by a few
/// ulps of 5, not of the entry. So Rtol is a number of units in the last place at the tensor's scale, with room for
/// <see cref="NoiseUlpsPerOperation"/> ulps of such noise in each of <see cref="DependentOperations"/> dependent inexact
/// operations (deeper than any golden of the course), and Atol only matters for an all-zero tensor. Real bugs (a missing
/// scale, a wrong axis, a wrong mask) are off by percents of the scale. `course validate` proves the principle holds
/// for every homework: the reference keeps every point when each inexact operation is moved by that much noise.
/// </para>
/// </summary>
public readonly record struct Tolerance(double Rtol, double Atol)
{
    /// <summary>Bit-for-bit equal values (NaN never equals NaN).</summary>
    public static readonly Tolerance Exact = new(0, 0);

    /// <summary>Ulps of reordering noise allowed per inexact operation: what `course validate`'s float noise applies (1e-6 in float32).</summary>
    public const int NoiseUlpsPerOperation = 16;

    /// <summary>Dependent inexact operations allowed for: a three-layer transformer's logits are about 40 deep.</summary>
    public const int DependentOperations = 64;

    /// <summary>
    /// The default policy by dtype. Float32 gets <see cref="NoiseUlpsPerOperation"/> × <see cref="DependentOperations"/>
    /// ulps at the tensor's scale, on any device (TF32 is switched off by <see cref="TorchTest"/>). Float64 is far tighter than its
    /// noise needs: gradient and scale checks run in it to see effects as small as an eps.
    /// </summary>
    public static Tolerance For(ScalarType dtype, DeviceType device) => dtype switch
    {
        ScalarType.Float64 => new(1e-7, 1e-9),
        ScalarType.Float32 => new(Ulps(24), 1e-6),
        ScalarType.Float16 => new(1e-3, 1e-5), // no homework computes in it
        ScalarType.BFloat16 => new(1.6e-2, 1e-5),
        _ => Exact, // integers and booleans
    };

    public static Tolerance For(Tensor tensor) => For(tensor.dtype, tensor.device_type);

    /// <summary>
    /// Float64 held to float32's budget in ulps: <see cref="NoiseUlpsPerOperation"/> × <see cref="DependentOperations"/>
    /// ulps of float64 (2^-53 each, about 1.1e-13 in all) at the tensor's scale, and no Atol. For a float64 value with a
    /// closed form (a derivative written out, such as y (1 - y) or softmax - onehot): any exact formula for it, computed
    /// in any order on any device, is that close, as `course validate`'s float noise proves. An approximation is not:
    /// a finite difference, whatever its step, is off by about ε^(2/3) ≈ 4e-11 of the scale (truncation against
    /// cancellation), hundreds of times more. Compare with <see cref="For(ScalarType, DeviceType)"/> first, so that a
    /// wrong formula gets that message and only an approximation meets this one.
    /// </summary>
    public static readonly Tolerance Float64Rounding = new(Ulps(53), 0);

    /// <summary>The allowed |actual − expected| for <paramref name="expected"/> in a tensor of scale <paramref name="scale"/>.</summary>
    public double Allowed(double expected, double scale) => Atol + Rtol * Math.Max(Math.Abs(expected), scale);

    /// <summary>The scale values are compared at: the root mean square of the finite values (0 when there are none).</summary>
    public static double ScaleOf(IReadOnlyList<double> expected)
    {
        double sum = 0;
        var count = 0;
        foreach (var value in expected.Where(double.IsFinite))
        {
            sum += value * value;
            count++;
        }
        return count == 0 ? 0 : Math.Sqrt(sum / count);
    }

    /// <summary>The allowed relative error for a format with <paramref name="significandBits"/> bits: the budget in ulps times 2^-bits.</summary>
    static double Ulps(int significandBits) => NoiseUlpsPerOperation * DependentOperations * Math.Pow(2, -significandBits);

    public override string ToString() => $"rtol={Rtol:G3}, atol={Atol:G3}";
}
