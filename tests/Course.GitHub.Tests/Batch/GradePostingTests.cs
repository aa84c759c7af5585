using Course.GitHub.Batch;
using Course.GitHub.Tests.Fake;
using Course.GitHub.Tests.Publish;
using Course.Grader.Batch;

namespace Course.GitHub.Tests.Batch;

/// <summary>
/// `course batch --post` through the GitHub sources (<see cref="IGradePoster"/>): the grade lands on the commit that was
/// graded, not the branch head, with annotations at the files' places in that commit, and on the "Feedback" pull request.
/// </summary>
public class GradePostingTests
{
    ClassOf2025 course = null!;

    [OneTimeSetUp]
    public void MakeClass() => course = SharedClass.Course;

    [SetUp]
    public void Reset()
    {
        course.GitHub.StopFailing();
        course.GitHub.ClearRequests();
    }

    [Test]
    public async Task Given_a_late_students_graded_submission_When_posted_Then_the_check_run_is_on_the_graded_commit_and_the_comment_on_feedback()
    {
        var repo = course.GitHub.Repository("course-2025/hw3-attention-dave");
        var feedback = course.GitHub.AddPullRequest(repo, "Feedback");
        IGradePoster source = new OrgSource(GitHubApi.Connect(FakeGitHub.Token, course.GitHub.ApiUrl), ClassOf2025.Org, ClassOf2025.Prefix);
        var dave = (await ((ISubmissionSource)source).ListAsync(course.Policy, CancellationToken.None)).Single(s => s.Student == "dave");

        await source.PostAsync(dave, Reports.Report(38, annotations: 2), CancellationToken.None);

        var run = repo.CheckRuns.Single();
        Assert.That(run.HeadSha, Is.EqualTo(course.Sha("dave", "partial")));
        Assert.That(run.Annotations.Select(a => (string)a["path"]!), Is.EqualTo(new[] { "Hw3.Attention/Attention.cs", "Hw3.Attention/CausalMask.cs" }));
        Assert.That(repo.Comments.Single().Issue, Is.EqualTo(feedback.Number));
        Assert.That(repo.Comments.Single().Body, Does.Contain("38/100 points"));
    }

    [Test]
    public async Task Given_a_classroom_students_graded_submission_When_posted_Then_it_lands_in_their_repository()
    {
        var repo = course.GitHub.Repository("course-2025/hw3-attention-zoe");
        IGradePoster source = new ClassroomSource(GitHubApi.Connect(FakeGitHub.Token, course.GitHub.ApiUrl), ClassOf2025.ClassroomAssignmentId);
        var zoe = (await ((ISubmissionSource)source).ListAsync(DeadlinePolicy.None, CancellationToken.None)).Single(s => s.Student == "zoe");

        await source.PostAsync(zoe, Reports.Report(100, annotations: 0), CancellationToken.None);

        Assert.That(repo.CheckRuns.Single().Conclusion, Is.EqualTo("success"));
        Assert.That(repo.CheckRuns.Single().HeadSha, Is.EqualTo(zoe.Commit));
        Assert.That(repo.Comments, Is.Empty, "zoe's repository has no Feedback pull request");
    }
}
