using Course.Grader.Export;
using Course.Grader.Tests.Authoring;

namespace Course.Grader.Tests.Export;

/// <summary>
/// Which projects a student repo carries: followed from the project files, the grader's and the given libraries (models/) the
/// starter references, and never anything else.
/// </summary>
public class GraderProjectsTests
{
    TempCourseRepo repo = null!;

    [SetUp]
    public void CreateRepo() => repo = new TempCourseRepo()
        .Write("grader/Course.Grade/Course.Grade.csproj", Project("$(CourseRoot)grader/Pipeline/Pipeline.csproj"))
        .Write("grader/Course.Cli/Course.Cli.csproj", Project("../Course.Grade/Course.Grade.csproj", "../Publishing/Publishing.csproj"))
        .Write("grader/Publishing/Publishing.csproj", Project("../Pipeline/Pipeline.csproj"))
        .Write("grader/Pipeline/Pipeline.csproj", Project("../Protocol/Protocol.csproj"))
        .Write("grader/Protocol/Protocol.csproj", Project())
        .Write("grader/Sdk/Sdk.csproj", Project())
        .Write("grader/Unused/Unused.csproj", Project())
        .Write("starter/hw0-demo/Hw0/Hw0.csproj", Project())
        .Write("starter/hw0-demo/Hw0.Tests/Hw0.Tests.csproj", Project("../Hw0/Hw0.csproj", "$(CourseRoot)grader/Sdk/Sdk.csproj"));

    [TearDown]
    public void DeleteRepo() => repo.Dispose();

    static string Project(params string[] references) =>
        $"<Project Sdk=\"Microsoft.NET.Sdk\">\n  <ItemGroup>\n{string.Concat(references.Select(r => $"    <ProjectReference Include=\"{r}\" />\n"))}  </ItemGroup>\n</Project>\n";

    [Test]
    public void Given_the_student_side_grader_and_the_starters_references_When_followed_Then_every_project_they_reach_in_grader_and_no_other_not_the_course_cli()
    {
        var projects = GraderProjects.For(repo.Layout, repo.PathOf("starter/hw0-demo"));

        Assert.That(projects, Is.EqualTo(new[]
        {
            "grader/Course.Grade/Course.Grade.csproj", "grader/Pipeline/Pipeline.csproj", "grader/Protocol/Protocol.csproj", "grader/Sdk/Sdk.csproj",
        }));
    }

    [Test]
    public void Given_a_starter_that_references_a_given_library_When_followed_Then_the_library_and_what_it_references_in_models_travel_too()
    {
        repo.Write("starter/hw0-demo/Hw0/Hw0.csproj", Project("$(CourseRoot)models/Lens/Lens.csproj"))
            .Write("models/Lens/Lens.csproj", Project("../Weights/Weights.csproj"))
            .Write("models/Weights/Weights.csproj", Project())
            .Write("models/Unused/Unused.csproj", Project());

        var projects = GraderProjects.For(repo.Layout, repo.PathOf("starter/hw0-demo"));

        Assert.That(projects, Is.EqualTo(new[]
        {
            "grader/Course.Grade/Course.Grade.csproj", "grader/Pipeline/Pipeline.csproj", "grader/Protocol/Protocol.csproj", "grader/Sdk/Sdk.csproj",
            "models/Lens/Lens.csproj", "models/Weights/Weights.csproj",
        }));
    }

    [Test]
    public void Given_a_grader_project_that_references_a_given_library_When_followed_Then_the_export_refuses_for_every_homework_carries_the_grader()
    {
        repo.Write("grader/Protocol/Protocol.csproj", Project("$(CourseRoot)models/Lens/Lens.csproj"))
            .Write("models/Lens/Lens.csproj", Project());

        var error = Assert.Throws<ExportException>(() => GraderProjects.For(repo.Layout, repo.PathOf("starter/hw0-demo")));

        Assert.That(error!.Message, Does.Contain("grader/Protocol/Protocol.csproj references models/Lens/Lens.csproj").And.Contain("must not build on a given library"));
    }

    [Test]
    public void Given_a_starter_project_that_references_the_hidden_tests_When_followed_Then_the_export_refuses()
    {
        repo.Write("starter/hw0-demo/Hw0.Tests/Hw0.Tests.csproj", Project("$(CourseRoot)assignments/hw0-demo/tests/Hidden.csproj"))
            .Write("assignments/hw0-demo/tests/Hidden.csproj", Project());

        var error = Assert.Throws<ExportException>(() => GraderProjects.For(repo.Layout, repo.PathOf("starter/hw0-demo")));

        Assert.That(error!.Message, Does.Contain("only carry the grader's own projects").And.Contain("assignments/hw0-demo/tests/Hidden.csproj"));
    }

    [Test]
    public void Given_a_reference_through_an_msbuild_property_other_than_CourseRoot_When_followed_Then_the_export_refuses_to_guess()
    {
        repo.Write("grader/Pipeline/Pipeline.csproj", Project("$(SomewhereElse)Lib.csproj"));

        var error = Assert.Throws<ExportException>(() => GraderProjects.For(repo.Layout, repo.PathOf("starter/hw0-demo")));

        Assert.That(error!.Message, Does.Contain("$(SomewhereElse)Lib.csproj"));
    }
}
