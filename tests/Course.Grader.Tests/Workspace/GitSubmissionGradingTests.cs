using Course.Grader.Score;
using Course.Grader.Tests.Pipeline;
using Course.Grader.Workspace;
using static Course.Grader.Tests.Pipeline.Hw3Submissions;

namespace Course.Grader.Tests.Workspace;

/// <summary>
/// A student's repository with two commits, half done and then finished, graded at the first commit and at HEAD:
/// each grade is of the commit asked for, and its provenance records that commit.
/// </summary>
[NonParallelizable]
public class GitSubmissionGradingTests
{
    readonly TempFolder temp = new();
    string repo = null!, first = null!, second = null!;
    GradeReport atFirst = null!, atHead = null!;

    [OneTimeSetUp]
    public async Task GradeBothCommits()
    {
        var git = GitRepo.Init(temp["student-repo"]);
        repo = git.Path;
        CopyStudentFiles(PartialExample, Path.Combine(repo, "Hw3.Attention"));
        first = git.CommitAll("half done");
        CopyStudentFiles(ReferenceProject, Path.Combine(repo, "Hw3.Attention"));
        second = git.CommitAll("finished");

        atFirst = await GradeAsync(Submission.Parse($"{repo}@{first}"));
        atHead = await GradeAsync(Submission.Parse(repo));
    }

    [OneTimeTearDown]
    public void DeleteTemp() => temp.Dispose();

    [Test]
    public void Given_a_ref_to_the_first_commit_When_graded_Then_the_half_done_code_is_graded_and_the_provenance_has_that_commit()
    {
        Assert.That(atFirst.Status, Is.EqualTo(GradeStatus.Graded), atFirst.Describe);
        Assert.That(atFirst.Score, Is.GreaterThan(0).And.LessThan(atFirst.MaxScore), atFirst.Describe);
        Assert.That(atFirst.Provenance.SubmissionCommit, Is.EqualTo(first));
        Assert.That(atFirst.Provenance.SubmissionSource, Is.EqualTo($"{repo}@{first}"));
    }

    [Test]
    public void Given_no_ref_When_graded_Then_HEAD_is_graded_and_the_provenance_has_the_latest_commit()
    {
        Assert.That(atHead.Score, Is.EqualTo(atHead.MaxScore), atHead.Describe);
        Assert.That(atHead.Provenance.SubmissionCommit, Is.EqualTo(second));
        Assert.That(atHead.Provenance.SubmissionSource, Is.EqualTo(repo));
        Assert.That(atHead.Provenance.TestSuiteHash, Is.EqualTo(atFirst.Provenance.TestSuiteHash), "same tests, whichever commit");
    }

    [Test]
    public void Given_a_ref_that_does_not_exist_When_materialized_Then_it_is_refused_as_an_unreadable_submission()
    {
        var error = Assert.Throws<SubmissionException>(() =>
            SubmissionFiles.Materialize(Submission.Parse($"{repo}@no-such-branch"), Directory.CreateDirectory(temp["scratch"]).FullName))!;

        Assert.That(error.Message, Does.StartWith("git rev-parse failed"));
    }
}
