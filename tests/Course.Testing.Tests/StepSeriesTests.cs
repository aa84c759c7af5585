using NUnit.Framework;
using TorchSharp;

namespace Course.Testing.Tests;

public class StepSeriesTests
{
    static readonly Tolerance Float32 = Tolerance.For(torch.ScalarType.Float32, DeviceType.CPU);

    [Test]
    public void Given_runs_that_agree_within_the_tolerance_When_compared_Then_no_step_is_apart()
    {
        double[] expected = [2.31, 2.17, 2.05, 1.98];
        double[] actual = [.. expected.Select(v => v * (1 + 1e-6))];

        Assert.That(StepSeries.FirstApart(actual, expected, Float32), Is.EqualTo(-1));
    }

    [Test]
    public void Given_runs_that_part_at_step_2_When_compared_Then_step_2_is_the_first_apart()
    {
        double[] expected = [2.31, 2.17, 2.05, 1.98];
        double[] actual = [2.31, 2.17, 2.06, 1.99];

        Assert.That(StepSeries.FirstApart(actual, expected, Float32), Is.EqualTo(2));
    }

    [Test]
    public void Given_runs_whose_first_step_differs_When_compared_Then_step_0_is_the_first_apart()
    {
        Assert.That(StepSeries.FirstApart([2.4, 2.17], [2.31, 2.17], Float32), Is.EqualTo(0));
    }

    [Test]
    public void Given_a_small_value_among_large_ones_When_compared_Then_it_is_allowed_the_rounding_of_the_steps_up_to_it()
    {
        // Each prefix is compared at its own scale, as TensorAssert.Close compares a tensor: a step near zero after steps
        // near 5 may be off by a few ulps of 5 (here 1e-6), but not by a thousandth.
        double[] expected = [5.0, 4.0, 1e-7];

        Assert.That(StepSeries.FirstApart([5.0, 4.0, 1e-7 + 1e-6], expected, Float32), Is.EqualTo(-1));
        Assert.That(StepSeries.FirstApart([5.0, 4.0, 1e-3], expected, Float32), Is.EqualTo(2));
    }

    [Test]
    public void Given_runs_of_different_lengths_When_compared_Then_it_throws_rather_than_guess()
    {
        Assert.That(() => StepSeries.FirstApart([1.0, 2.0], [1.0], Float32), Throws.ArgumentException);
    }

    [Test]
    public void Show_prints_six_significant_digits_in_brackets()
    {
        Assert.That(StepSeries.Show([2.302585093, 0.5, -1e-7]), Is.EqualTo("[2.30259, 0.5, -1E-07]"));
    }
}
