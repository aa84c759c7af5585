using Course.Grader.Tests.Pipeline;
using Course.Grader.Workspace;
using static Course.Grader.Tests.Pipeline.Hw3Submissions;

namespace Course.Grader.Tests.Workspace;

/// <summary>Which files of a submission are graded: only the student files, never through a link to elsewhere on the machine.</summary>
public class WorkspaceStageTests
{
    const string Secret = "grader-machine secret: do not read";

    TempFolder temp = null!;
    string outside = null!;

    [SetUp]
    public void CreateTemp()
    {
        temp = new TempFolder();
        outside = Directory.CreateDirectory(temp["outside"]).FullName;
        File.WriteAllText(Path.Combine(outside, "CausalMask.cs"), Secret);
    }

    [TearDown]
    public void DeleteTemp() => temp.Dispose();

    [Test]
    public void Given_a_student_file_that_links_outside_When_the_workspace_is_built_Then_the_starters_file_is_used_and_the_note_says_why()
    {
        var submission = CopyStudentFiles(ReferenceProject, temp["submission"]);
        File.Delete(Path.Combine(submission, "CausalMask.cs"));
        File.CreateSymbolicLink(Path.Combine(submission, "CausalMask.cs"), Path.Combine(outside, "CausalMask.cs"));

        var workspace = WorkspaceStage.Build(HomeworkManifest, StarterProject, submission);

        Assert.That(workspace.MissingFiles, Is.EqualTo(new[] { "CausalMask.cs" }));
        Assert.That(workspace.Notes, Does.Contain("CausalMask.cs is a link, and links are not graded; the starter's version was graded instead."));
        Assert.That(Text(workspace, "CausalMask.cs"), Is.EqualTo(File.ReadAllText(Path.Combine(StarterProject, "CausalMask.cs"))));
        Assert.That(Text(workspace, "Attention.cs"), Is.EqualTo(File.ReadAllText(Path.Combine(ReferenceProject, "Attention.cs"))));
    }

    [Test]
    public void Given_a_project_folder_that_links_outside_When_the_workspace_is_built_Then_nothing_is_read_through_it()
    {
        var submission = Directory.CreateDirectory(temp["submission"]).FullName;
        CopyStudentFiles(ReferenceProject, outside);
        File.WriteAllText(Path.Combine(outside, "CausalMask.cs"), Secret);
        Directory.CreateSymbolicLink(Path.Combine(submission, "Hw3.Attention"), outside);

        var workspace = WorkspaceStage.Build(HomeworkManifest, StarterProject, submission);

        Assert.That(workspace.Homework.Files.Select(f => f.Text), Has.None.Contain(Secret));
        Assert.That(workspace.MissingFiles, Is.EquivalentTo(HomeworkManifest.StudentFiles));
    }

    [Test]
    public void Given_a_link_looping_back_to_its_folder_When_the_workspace_is_built_Then_the_files_beside_it_are_graded_once()
    {
        var submission = CopyStudentFiles(ReferenceProject, temp["submission"]);
        Directory.CreateSymbolicLink(Path.Combine(submission, "loop"), submission);

        var workspace = WorkspaceStage.Build(HomeworkManifest, StarterProject, submission);

        Assert.That(workspace.MissingFiles, Is.Empty);
        Assert.That(Text(workspace, "Attention.cs"), Is.EqualTo(File.ReadAllText(Path.Combine(ReferenceProject, "Attention.cs"))));
    }

    [Test]
    public void Given_extra_files_and_projects_When_the_workspace_is_built_Then_only_the_student_files_come_from_the_submission()
    {
        var submission = CopyStudentFiles(ReferenceProject, temp["submission/Hw3.Attention"]);
        File.WriteAllText(Path.Combine(submission, "Helpers.cs"), "class Helpers {}");
        File.WriteAllText(Path.Combine(submission, "Hw3.Attention.csproj"), "<Project Sdk=\"Evil\" />");
        File.WriteAllText(temp["submission/Tools.csproj"], "<Project />");

        var workspace = WorkspaceStage.Build(HomeworkManifest, StarterProject, temp["submission"]);

        Assert.That(workspace.MissingFiles, Is.Empty);
        Assert.That(workspace.Homework.Files.Select(f => f.Path), Has.None.EqualTo("Helpers.cs"));
        Assert.That(workspace.Notes, Does.Contain("Graded the files in Hw3.Attention/."));
        Assert.That(workspace.Notes, Has.Some.StartWith("Ignored Helpers.cs: only "));
        Assert.That(workspace.Notes, Does.Contain("Ignored the extra project(s) Tools: the grader builds Hw3.Attention from its own project file."));
    }

    [Test]
    public void Given_a_project_the_starter_ships_beside_the_graded_one_When_the_workspace_is_built_Then_no_note_lists_it_but_other_extra_projects_are()
    {
        var starter = Directory.CreateDirectory(temp["starter/hw3-attention/Hw3.Attention"]).FullName;
        foreach (var file in Directory.EnumerateFiles(StarterProject))
            File.Copy(file, Path.Combine(starter, Path.GetFileName(file)));
        Directory.CreateDirectory(temp["starter/hw3-attention/Hw3.Attention.Plots"]);
        File.WriteAllText(temp["starter/hw3-attention/Hw3.Attention.Plots/Hw3.Attention.Plots.csproj"], "<Project />");
        CopyStudentFiles(ReferenceProject, temp["submission/Hw3.Attention"]);
        Directory.CreateDirectory(temp["submission/Hw3.Attention.Plots"]);
        File.WriteAllText(temp["submission/Hw3.Attention.Plots/Hw3.Attention.Plots.csproj"], "<Project />");
        File.WriteAllText(temp["submission/Tools.csproj"], "<Project />");

        var workspace = WorkspaceStage.Build(HomeworkManifest, starter, temp["submission"]);

        Assert.That(workspace.Notes, Does.Contain("Ignored the extra project(s) Tools: the grader builds Hw3.Attention from its own project file."),
            "the given Hw3.Attention.Plots is every student's, so only Tools is worth a note");
    }

    static string Text(Grader.Workspace.Workspace workspace, string file) => workspace.Homework.Files.Single(f => f.Path == file).Text;
}
