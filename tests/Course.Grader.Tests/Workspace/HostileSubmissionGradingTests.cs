using Course.Grader.Score;
using Course.Grader.Tests.Pipeline;
using static Course.Grader.Tests.Pipeline.Hw3Submissions;
using static Course.Grader.Tests.Workspace.SpecialFiles;

namespace Course.Grader.Tests.Workspace;

/// <summary>
/// A whole grade of a submission made to hang and crash the workspace stage: a named pipe as a student file, another
/// beside it, and a folder link to the root of the disk. The grade finishes, is a normal graded result with every test,
/// and says which file was refused.
/// </summary>
[NonParallelizable]
public class HostileSubmissionGradingTests
{
    [Test]
    public async Task Given_named_pipes_and_a_link_to_the_root_When_graded_Then_the_grade_finishes_with_every_test_listed()
    {
        using var temp = new TempFolder();
        var project = CopyStudentFiles(ReferenceProject, temp["submission/Hw3.Attention"]);
        File.Delete(Path.Combine(project, "CausalMask.cs"));
        NamedPipe(Path.Combine(project, "CausalMask.cs"));
        NamedPipe(temp["submission/feedback.fifo"]);
        Directory.CreateSymbolicLink(temp["submission/disk"], "/");
        Directory.CreateSymbolicLink(Path.Combine(project, "up"), temp["submission"]);

        var report = await GradeFolderAsync(temp["submission"]).WaitAsync(TimeSpan.FromMinutes(5));
        var reference = await ReferencePublicAsync();

        Assert.That(report.Status, Is.EqualTo(GradeStatus.Graded), report.Describe);
        Assert.That(report.Tests.Select(t => t.Name), Is.EquivalentTo(reference.Tests.Select(t => t.Name)));
        Assert.That(report.Summary, Does.Contain("CausalMask.cs is not a regular file (a named pipe); the starter's version was graded instead."));
        Assert.That(report.Score, Is.GreaterThan(0).And.LessThan(report.MaxScore), "the other files are the reference's; the mask is the starter's stub");
    }
}
