using Course.Grader.Compile;
using Course.Grader.Fairness;
using Course.Grader.Pipeline;
using Course.Grader.Run;
using Course.Grader.Score;
using Course.Grader.Workspace;

namespace Course.Grader.Tests.Pipeline;

/// <summary>
/// A homework whose starter references a given library (models/&lt;Name&gt;/), graded end to end in a throwaway course
/// (<see cref="GivenLibraryCourse"/>): the homework and both test suites call the library, which reads its own embedded
/// resource in the worker; a homework whose starter does not reference it cannot name it.
/// </summary>
public class GivenLibraryGradingTests
{
    GivenLibraryCourse course = null!;
    GradeReport reference = null!;
    GradeReport starter = null!;

    [OneTimeSetUp]
    public async Task GradeTheReferenceAndTheStarter()
    {
        course = new GivenLibraryCourse();
        reference = await GradeAsync(GivenLibraryCourse.WithLibrary, Path.Combine(course.Layout.ReferenceDir(GivenLibraryCourse.WithLibrary), "Hw0.Given"));
        starter = await GradeAsync(GivenLibraryCourse.WithLibrary, Path.Combine(course.Layout.StarterDir(GivenLibraryCourse.WithLibrary), "Hw0.Given"));
    }

    [OneTimeTearDown]
    public void DeleteCourse() => course.Dispose();

    Task<GradeReport> GradeAsync(string assignment, string folder) =>
        GradePipeline.GradeAsync(new GradeRequest(assignment, new Submission(SubmissionKind.Folder, folder), course.Layout,
            Clock: () => Hw3Submissions.GradedAt, Limits: Hw3Submissions.ShortLimits));

    [Test]
    public void Given_the_reference_When_graded_Then_the_homework_calls_the_library_and_every_test_passes()
    {
        Assert.That(reference.Tests.Select(t => t.Name), Is.EquivalentTo(new[]
        {
            "PublicTests.Quadruple_CallsTheGivenLibrary", "PublicTests.Greet_ReadsTheLibrarysEmbeddedResource", "PublicTests.TheTestsCallTheLibraryToo",
            "HiddenTests.Score_OfALibraryProbe_IsItsDotProduct",
        }), reference.Describe);
        Assert.That(reference.Score, Is.EqualTo(reference.MaxScore), reference.Describe);
        Assert.That(reference.Tests, Has.All.Matches<TestGrade>(t => t!.Passed), reference.Describe);
    }

    [Test]
    public void Given_the_reference_When_graded_Then_the_library_reads_its_embedded_resource_in_the_worker() =>
        Assert.That(reference.Test("PublicTests.Greet_ReadsTheLibrarysEmbeddedResource").Passed, Is.True, reference.Describe);

    [Test]
    public void Given_the_starter_When_graded_Then_it_scores_zero()
    {
        Assert.That(starter.Tests, Has.Count.EqualTo(4), starter.Describe);
        Assert.That(starter.Score, Is.Zero, starter.Describe);
    }

    [Test]
    public async Task Given_the_homework_When_validated_Then_the_reference_the_starter_the_float_noise_and_every_stubbed_region_check_out()
    {
        var report = await ValidatePipeline.ValidateAsync(course.Layout, GivenLibraryCourse.WithLibrary);

        Assert.That(report.Passed, Is.True, () => $"{report.Reference.Describe()}\n{report.Starter.Describe()}\n{report.Noisy?.Describe()}");
        Assert.That(report.Regions, Has.Count.EqualTo(3));
    }

    [Test]
    public void Given_the_library_When_float_noise_is_added_Then_the_homework_compiles_against_it_and_its_student_file_gets_the_noise()
    {
        var manifest = course.Layout.LoadManifest(GivenLibraryCourse.WithLibrary);
        var suites = new HomeworkSuites(manifest, course.Layout);
        var worker = WorkerLocation.Default();
        var project = Path.Combine(course.Layout.ReferenceDir(manifest.Id), manifest.Project);
        var sources = new AssemblySources(manifest.Project, SourceFile.ReadFolder(project, project));

        var noisy = FloatNoise.Apply(sources, worker.LibraryAssemblies, suites.GivenLibraries(worker.LibraryAssemblies));
        var unchanged = FloatNoise.Apply(sources, worker.LibraryAssemblies);

        Assert.That(noisy.Files.Select(f => f.Path), Does.Contain(FloatNoise.HelperPath));
        Assert.That(noisy.Files.Single(f => f.Path == "Scaler.cs").Text, Does.Contain("CourseFloatNoise").And.Contain("Doubler.Double(Doubler.Double(x))"));
        Assert.That(unchanged, Is.SameAs(sources), "without the library it does not compile, and is left as it is");
    }

    [Test]
    public async Task Given_a_homework_whose_starter_does_not_reference_the_library_When_a_submission_names_it_Then_it_does_not_compile()
    {
        course.Write("submission/Plain.cs", """
            using Tiny.Given;

            namespace Hw0.Plain;

            public static class Plain
            {
                public static int Answer() => (int)Doubler.Double(TorchSharp.torch.ones(1)).item<float>() * 21;
            }
            """);

        var report = await GradeAsync(GivenLibraryCourse.WithoutLibrary, course.PathOf("submission"));

        Assert.That(report.Score, Is.Zero, report.Describe);
        Assert.That(report.Summary, Does.Contain("compile error").And.Contain("Plain.cs(1,7): error CS0246").And.Contain("'Tiny'"), report.Describe);
    }

    [Test]
    public async Task Given_the_homework_that_references_the_library_When_a_submission_calls_a_library_member_that_hands_out_a_stream_Then_the_analyzer_refuses_it()
    {
        course.Write("outside/Scaler.cs", """
            using Tiny.Given;
            using TorchSharp;

            namespace Hw0.Given;

            public static class Scaler
            {
                public static torch.Tensor Quadruple(torch.Tensor x) => Doubler.Double(Doubler.Double(x));

                public static string Greet() => Doubler.OpenGreeting().Length > 0 ? Doubler.Greeting() + "!" : "";

                public static torch.Tensor Score(Probe probe, torch.Tensor x) => (probe.Direction * x).sum();
            }
            """);

        var report = await GradeAsync(GivenLibraryCourse.WithLibrary, course.PathOf("outside"));

        Assert.That(report.Score, Is.Zero, report.Describe);
        Assert.That(report.Summary, Does.Contain("Tiny.Given.Doubler.OpenGreeting()").And.Contain("may not touch the file system"), report.Describe);
    }
}
