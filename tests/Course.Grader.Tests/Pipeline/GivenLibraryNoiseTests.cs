using Course.Grader.Pipeline;
using Course.Grader.Score;

namespace Course.Grader.Tests.Pipeline;

/// <summary>
/// `course validate`'s float noise reaches the code of a homework's given library, as a GPU's rounding would: a test that
/// claims exactness for a reduction the library computes holds on the CPU and fails under the noise.
/// </summary>
public class GivenLibraryNoiseTests
{
    const string Claim = "ExactMeanTests.TheLibrarysMean_OfTheQuadrupled_IsExactlyThree";

    [Test]
    public async Task Given_a_test_claiming_exactness_for_a_reduction_in_the_library_When_validated_Then_the_reference_passes_and_fails_under_the_noise()
    {
        using var course = new GivenLibraryCourse();
        course.Write($"models/{GivenLibraryCourse.Library}/Averages.cs", """
            using TorchSharp;

            namespace Tiny.Given;

            public static class Averages
            {
                public static torch.Tensor Mean(torch.Tensor x) => x.mean();
            }
            """);
        // mean([1, 2, 6]) is 3 exactly on the CPU; on other hardware, or under the noise, it is 3 within a few ulps.
        course.Write($"assignments/{GivenLibraryCourse.WithLibrary}/tests/ExactMeanTests.cs", """
            using Course.Testing;
            using NUnit.Framework;
            using TorchSharp;

            namespace Hw0.Given.HiddenTests;

            [Visibility(Visibility.Hidden)]
            public sealed class ExactMeanTests : TorchTest
            {
                [Test, Points(1)]
                public void TheLibrarysMean_OfTheQuadrupled_IsExactlyThree() =>
                    Assert.That(Tiny.Given.Averages.Mean(Scaler.Quadruple(torch.tensor(new[] { 0.25f, 0.5f, 1.5f }))).item<float>(), Is.EqualTo(3f));
            }
            """);

        var report = await ValidatePipeline.ValidateAsync(course.Layout, GivenLibraryCourse.WithLibrary);

        Assert.That(report.Reference.Score, Is.EqualTo(report.Reference.MaxScore), report.Reference.Describe);
        var noisy = report.Noisy ?? throw new AssertionException("validate graded no reference under float noise");
        Assert.That(noisy.Test(Claim).Passed, Is.False, noisy.Describe);
        Assert.That(noisy.Tests.Where(t => t.Name != Claim), Has.All.Matches<TestGrade>(t => t!.Passed), noisy.Describe);
        Assert.That(report.Passed, Is.False, "the claim only holds for the CPU's rounding, so the tests are not fair");
    }
}
