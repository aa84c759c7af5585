using Course.Grader.Export;
using Course.Grader.Manifest;
using Course.Grader.Pipeline;
using Course.Grader.Tests.Pipeline;
using Course.Grader.Workspace;

namespace Course.Grader.Tests.Export;

/// <summary>
/// The template of a homework whose starter references a given library carries it in .course/models/&lt;Name&gt;/, lists it in
/// .course/Course.sln, and the student's homework project builds against it from the template alone; a homework whose starter
/// does not reference it carries nothing of it. One build, of the homework project only.
/// </summary>
[NonParallelizable]
public class GivenLibraryExportTests
{
    GivenLibraryCourse course = null!;
    TempFolder temp = null!;
    ExportedTemplate withLibrary = null!;
    ExportedTemplate withoutLibrary = null!;

    [OneTimeSetUp]
    public void ExportBoth()
    {
        course = new GivenLibraryCourse();
        temp = new TempFolder("course-given-export-");
        withLibrary = TemplateExport.Write(course.Layout, GivenLibraryCourse.WithLibrary, temp["with"]);
        withoutLibrary = TemplateExport.Write(course.Layout, GivenLibraryCourse.WithoutLibrary, temp["without"]);
    }

    [OneTimeTearDown]
    public void Delete()
    {
        temp?.Dispose();
        course?.Dispose();
    }

    const string LibraryFolder = $".course/models/{GivenLibraryCourse.Library}/";

    [Test]
    public void Given_the_homework_that_references_the_library_When_exported_Then_its_template_carries_the_library_verbatim_and_its_solution_lists_it()
    {
        var carried = withLibrary.Files.Where(f => f.StartsWith(LibraryFolder, StringComparison.Ordinal)).ToList();

        Assert.That(carried, Is.EquivalentTo(new[] { "Doubler.cs", "Probes/Probe.cs", "Tiny.Given.csproj", "greeting.txt" }.Select(f => LibraryFolder + f)));
        Assert.That(carried.Select(f => File.ReadAllText(Path.Combine(withLibrary.Root, f))),
            Is.EqualTo(carried.Select(f => File.ReadAllText(course.PathOf(f[".course/".Length..])))));
        Assert.That(File.ReadAllText(Path.Combine(withLibrary.Root, ".course/Course.sln")), Does.Contain(@"models\Tiny.Given\Tiny.Given.csproj"));
    }

    [Test]
    public void Given_the_homework_that_does_not_reference_the_library_When_exported_Then_nothing_of_it_is_in_the_template()
    {
        Assert.That(withoutLibrary.Files.Where(f => f.Contains("models/", StringComparison.Ordinal)), Is.Empty);
        Assert.That(withoutLibrary.Files.Where(f => File.ReadAllText(Path.Combine(withoutLibrary.Root, f)).Contains(GivenLibraryCourse.Library, StringComparison.Ordinal)),
            Is.Empty);
    }

    [Test]
    public async Task Given_the_templates_course_folder_as_the_course_When_a_finished_student_repo_is_graded_on_the_public_tests_Then_the_carried_library_is_used()
    {
        var student = temp["student"];
        Directory.CreateDirectory(Path.Combine(student, "Hw0.Given"));
        File.Copy(course.PathOf("reference/hw0-given/Hw0.Given/Scaler.cs"), Path.Combine(student, "Hw0.Given/Scaler.cs"));
        var carried = new CourseLayout(Path.Combine(withLibrary.Root, StudentRepo.CourseFolder));

        var report = await GradePipeline.GradeAsync(new GradeRequest(GivenLibraryCourse.WithLibrary, new Submission(SubmissionKind.Folder, student), carried,
            IncludeHidden: false, Clock: () => Hw3Submissions.GradedAt, Limits: Hw3Submissions.ShortLimits));

        Assert.That(report.Tests, Has.Count.EqualTo(3), report.Describe);
        Assert.That(report.Score, Is.EqualTo(report.MaxScore), report.Describe);
    }

    [Test]
    public void Given_the_template_of_the_homework_that_references_the_library_When_its_homework_project_is_built_Then_it_builds_against_the_carried_library()
    {
        var build = StudentShell.Run(withLibrary.Root, "dotnet build Hw0.Given/Hw0.Given.csproj", timeout: TimeSpan.FromMinutes(5));

        Assert.That(build.ExitCode, Is.Zero, build.Describe());
        Assert.That(File.Exists(Path.Combine(withLibrary.Root, "Hw0.Given/bin/Debug/net10.0/Tiny.Given.dll")), Is.True, build.Describe());
        Assert.That(build.Output, Does.Contain(LibraryFolder.TrimEnd('/')), "the library is built from the template's copy");
    }
}
