using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Testing.Tests;

public class TolerancePolicyTests
{
    [Test]
    public void Float64IsTighterThanFloat32()
    {
        var f64 = Tolerance.For(ScalarType.Float64, DeviceType.CPU);
        var f32 = Tolerance.For(ScalarType.Float32, DeviceType.CPU);
        Assert.That(f64.Rtol, Is.LessThan(f32.Rtol));
        Assert.That(f64.Atol, Is.LessThan(f32.Atol));
    }

    [Test]
    public void Float32OnCudaAllowsForReductionOrder()
    {
        var cpu = Tolerance.For(ScalarType.Float32, DeviceType.CPU);
        var gpu = Tolerance.For(ScalarType.Float32, DeviceType.CUDA);
        Assert.That(gpu.Rtol, Is.GreaterThanOrEqualTo(cpu.Rtol));
        Assert.That(gpu.Rtol, Is.LessThanOrEqualTo(1e-3), "GPU float32 must still catch real bugs");
    }

    [Test]
    public void IntegersAreCompared_Exactly()
    {
        Assert.That(Tolerance.For(ScalarType.Int64, DeviceType.CUDA), Is.EqualTo(Tolerance.Exact));
    }

    [TestCase("cpu")]
    [TestCase(" CPU ")]
    public void CpuCanBeForced(string setting) => Assert.That(TestDevice.Resolve(setting).type, Is.EqualTo(DeviceType.CPU));

    [TestCase(null)]
    [TestCase("auto")]
    public void AutoPicksCudaOnlyWhenAvailable(string? setting) =>
        Assert.That(TestDevice.Resolve(setting).type, Is.EqualTo(cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU));

    [Test]
    public void AnUnknownDeviceSettingIsRejectedWithTheChoices()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => TestDevice.Resolve("tpu"));
        Assert.That(ex!.Message, Does.Contain("use auto, cpu or cuda"));
    }
}
