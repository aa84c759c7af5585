using TorchSharp;
using static TorchSharp.torch;

namespace Course.Testing;

/// <summary>
/// The device numeric tests run on, from COURSE_DEVICE: <c>auto</c> (CUDA when available, the default),
/// <c>cpu</c> or <c>cuda</c>. Inputs are always made on the CPU first, then moved here.
/// </summary>
public static class TestDevice
{
    public const string EnvironmentVariable = "COURSE_DEVICE";

    static readonly Lazy<Device> current = new(() => Resolve(Environment.GetEnvironmentVariable(EnvironmentVariable)));

    public static Device Current => current.Value;

    public static bool IsCuda => Current.type == DeviceType.CUDA;

    public static Device Resolve(string? setting) => (setting ?? "auto").Trim().ToLowerInvariant() switch
    {
        "" or "auto" => cuda.is_available() ? CUDA : CPU,
        "cpu" => CPU,
        "cuda" when cuda.is_available() => CUDA,
        "cuda" => throw new InvalidOperationException(
            $"{EnvironmentVariable}=cuda but TorchSharp sees no CUDA device; build with -p:TorchBackend=cuda on a machine with a GPU."),
        var other => throw new InvalidOperationException($"{EnvironmentVariable}='{other}': use auto, cpu or cuda."),
    };
}
