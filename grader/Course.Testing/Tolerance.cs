using TorchSharp;
using static TorchSharp.torch;

namespace Course.Testing;

/// <summary>
/// |actual - expected| &lt;= Atol + Rtol * |expected|, elementwise, as in torch.testing.assert_close.
/// </summary>
public readonly record struct Tolerance(double Rtol, double Atol)
{
    /// <summary>Bit-for-bit equal values (NaN never equals NaN).</summary>
    public static readonly Tolerance Exact = new(0, 0);

    /// <summary>
    /// The default policy by dtype and device. Float64 is tight: gradient and scale checks run in it.
    /// Float32 on the CPU allows for a student summing in another order; on CUDA it also allows for
    /// reductions split across threads (TF32 is switched off by <see cref="TorchTest"/>).
    /// </summary>
    public static Tolerance For(ScalarType dtype, DeviceType device) => (dtype, device) switch
    {
        (ScalarType.Float64, _) => new(1e-7, 1e-9),
        (ScalarType.Float32, DeviceType.CUDA) => new(1e-4, 1e-5),
        (ScalarType.Float32, _) => new(1e-5, 1e-6),
        (ScalarType.Float16, _) => new(1e-3, 1e-5),
        (ScalarType.BFloat16, _) => new(1.6e-2, 1e-5),
        _ => Exact, // integers and booleans
    };

    public static Tolerance For(Tensor tensor) => For(tensor.dtype, tensor.device_type);

    public override string ToString() => $"rtol={Rtol:G3}, atol={Atol:G3}";
}
