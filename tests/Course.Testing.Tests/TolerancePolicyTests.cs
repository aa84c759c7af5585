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
    public void Float32_IsTheSameOnEveryDevice_BecauseValidateProvesItAgainstTheNoiseOfOtherHardware()
    {
        var cpu = Tolerance.For(ScalarType.Float32, DeviceType.CPU);
        Assert.That(Tolerance.For(ScalarType.Float32, DeviceType.CUDA), Is.EqualTo(cpu));
        Assert.That(cpu.Rtol, Is.EqualTo(Tolerance.NoiseUlpsPerOperation * Tolerance.DependentOperations * Math.Pow(2, -24)));
        Assert.That(cpu.Rtol, Is.LessThanOrEqualTo(1e-4), "float32 must still catch bugs of a hundredth of a percent of the scale");
    }

    [Test]
    public void Float64Rounding_IsFloat32sUlpBudgetInFloat64_AndFailsACentralDifference()
    {
        Assert.That(Tolerance.Float64Rounding.Rtol, Is.EqualTo(Tolerance.NoiseUlpsPerOperation * Tolerance.DependentOperations * Math.Pow(2, -53)));
        // tanh'(x) = 1 - tanh(x)^2 written out, against a central difference with the best step for float64 (about ε^(1/3)).
        double[] xs = [-2.3, -0.7, -0.1, 0.4, 1.1, 2.9];
        double[] exact = [.. xs.Select(x => 1 - Math.Tanh(x) * Math.Tanh(x))];
        double[] reordered = [.. xs.Select(x => (1 - Math.Tanh(x)) * (1 + Math.Tanh(x)))];
        const double e = 6e-6;
        double[] difference = [.. xs.Select(x => (Math.Tanh(x + e) - Math.Tanh(x - e)) / (2 * e))];
        using var expected = tensor(exact, ScalarType.Float64);

        Assert.That(TensorAssert.CloseFailure(tensor(reordered, ScalarType.Float64), expected, Tolerance.Float64Rounding), Is.Null);
        Assert.That(TensorAssert.CloseFailure(tensor(difference, ScalarType.Float64), expected), Is.Null, "the default float64 tolerance lets it through");
        Assert.That(TensorAssert.CloseFailure(tensor(difference, ScalarType.Float64), expected, Tolerance.Float64Rounding), Is.Not.Null);
    }

    [Test]
    public void A_value_near_zero_in_a_tensor_of_scale_five_is_allowed_a_few_ulps_of_five()
    {
        // hw4's OV-circuit solution: one residual-stream entry near zero off by 2.9e-6 in a stream of magnitude ~5.
        using var expected = tensor(new[] { 5.0f, -4.0f, 6.0f, 1e-7f, -5.5f });
        using var actual = tensor(new[] { 5.0f, -4.0f, 6.0f, 1e-7f + 2.9e-6f, -5.5f });

        Assert.That(TensorAssert.CloseFailure(actual, expected), Is.Null);
    }

    [Test]
    public void A_hundredth_of_a_percent_of_the_scale_still_fails_and_the_message_names_the_scale()
    {
        using var expected = tensor(new[] { 5.0f, -4.0f, 6.0f, 1e-7f, -5.5f });
        using var actual = tensor(new[] { 5.0f, -4.0f, 6.0f, 1e-7f + 5e-4f, -5.5f });

        Assert.That(TensorAssert.CloseFailure(actual, expected), Does.Contain("1 of 5 elements").And.Contain("at the tensor's scale 4.63"));
    }

    [Test]
    public void An_all_zero_tensor_is_compared_with_atol_alone()
    {
        using var expected = zeros(4);
        Assert.That(TensorAssert.CloseFailure(full(4, 0.9e-6f), expected), Is.Null);
        Assert.That(TensorAssert.CloseFailure(full(4, 2e-6f), expected), Does.Contain("4 of 4 elements"));
    }

    [Test]
    public void The_scale_is_the_root_mean_square_of_the_finite_values() =>
        Assert.That(Tolerance.ScaleOf([3, -4, double.NegativeInfinity, double.NaN]), Is.EqualTo(Math.Sqrt(12.5)).Within(1e-12));

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
