using Course.Grade;
using Course.Grader.Report;
using Course.Grader.Score;
using Course.Grader.Tests.Pipeline;
using Course.Grader.Workspace;

namespace Course.Grader.Tests.Cli;

public class WorkspaceAnnotationsTests
{
    static ReportView ViewWith(params string[] files) => new(new GradeReport(
        GradeReport.CurrentSchemaVersion, "hw3-attention", "Attention", GradeStatus.Graded, 0, 0, "", [],
        [.. files.Select(f => new Annotation(AnnotationLevel.Failure, f, 3, 1, "error CS0103", "x"))],
        new Provenance("1", "h", null, "s"), Hw3Submissions.GradedAt), RevealHidden: false);

    [Test]
    public void Given_a_student_repo_graded_from_its_project_folder_Then_annotations_name_paths_from_the_repo_root()
    {
        using var repo = new TempFolder();
        var project = Directory.CreateDirectory(Path.Combine(repo.Path, "Hw3.Attention")).FullName;
        File.WriteAllText(Path.Combine(project, "Attention.cs"), "");

        var view = WorkspaceAnnotations.InWorkspace(ViewWith("Attention.cs"), new Submission(SubmissionKind.Folder, project), Hw3Submissions.HomeworkManifest, repo.Path);

        Assert.That(view.Report.Annotations.Single().File, Is.EqualTo("Hw3.Attention/Attention.cs"));
    }

    [Test]
    public void Given_a_submission_outside_the_workspace_Then_annotations_are_left_as_they_are()
    {
        using var elsewhere = new TempFolder();
        using var workspace = new TempFolder();
        File.WriteAllText(Path.Combine(elsewhere.Path, "Attention.cs"), "");

        var view = WorkspaceAnnotations.InWorkspace(ViewWith("Attention.cs"), new Submission(SubmissionKind.Folder, elsewhere.Path), Hw3Submissions.HomeworkManifest, workspace.Path);

        Assert.That(view.Report.Annotations.Single().File, Is.EqualTo("Attention.cs"));
    }
}
