using Course.GitHub.Publish;
using Course.Grader.Batch;
using Course.Grader.Report;

namespace Course.GitHub.Batch;

/// <summary>Posting a batch grade back to the repository it came from, at the commit that was graded.</summary>
internal static class GradePosting
{
    public static async Task PostAsync(GitHubApi api, StudentSubmission submission, ReportView view, CancellationToken cancellationToken)
    {
        if (submission.Commit is not { } commit || PublishTarget.SplitRepository(submission.Repository) is not var (owner, name))
            throw new InvalidOperationException($"{submission.Student} has no commit in a repository to post a grade on");
        await new GradePublisher(api).PublishAsync(view, new PublishTarget(owner, name, commit), paths: null, cancellationToken);
    }
}
