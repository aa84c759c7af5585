using Course.Grader.Report;
using Course.Grader.Workspace;
using Octokit;

namespace Course.GitHub.Publish;

/// <summary>Publishes a grade to GitHub: a check run on the graded commit, then the feedback comment.</summary>
public sealed class GradePublisher(GitHubApi api)
{
    /// <param name="paths">Where the student files are in the repository; null to look them up in the commit's tree.</param>
    public async Task<PublishResult> PublishAsync(ReportView view, PublishTarget target, StudentPaths? paths, CancellationToken cancellationToken = default)
    {
        paths ??= await PathsInTreeAsync(view, target, cancellationToken);
        var (checkRun, annotations, requests) = await PostCheckRunAsync(view, target, paths, cancellationToken);
        var issue = target.IssueNumber ?? await FindFeedbackPullRequestAsync(target, cancellationToken);
        if (issue is null)
            return new PublishResult(checkRun.Id, checkRun.HtmlUrl, annotations, requests, null, null, false);
        var (comment, updated) = await UpsertCommentAsync(view, target, issue.Value, AuthorOf(checkRun), cancellationToken);
        return new PublishResult(checkRun.Id, checkRun.HtmlUrl, annotations, requests, issue, comment.HtmlUrl, updated);
    }

    async Task<(CheckRun Run, int Annotations, int Requests)> PostCheckRunAsync(ReportView view, PublishTarget target, StudentPaths paths, CancellationToken cancellationToken)
    {
        var report = view.Report;
        var annotations = GradeCheckRun.Annotations(report, paths);
        var batches = annotations.Chunk(GradeCheckRun.AnnotationsPerRequest).ToList();
        var create = new NewCheckRun(GradeCheckRun.Name(report.Assignment), target.Sha)
        {
            Status = CheckStatus.Completed,
            Conclusion = GradeCheckRun.Conclusion(report),
            CompletedAt = report.GradedAt,
            Output = GradeCheckRun.Output(view, batches.FirstOrDefault() ?? []),
        };
        var run = await api.CallAsync($"creating the check run on {target.Repository}@{Short(target.Sha)} (the token needs checks: write)",
            c => c.Check.Run.Create(target.Owner, target.Name, create), cancellationToken);
        foreach (var batch in batches.Skip(1))
        {
            // Each update appends its annotations; the output's title and summary are required every time.
            var update = new CheckRunUpdate { Output = GradeCheckRun.Output(view, batch) };
            await api.CallAsync($"adding annotations to check run {run.Id} on {target.Repository}",
                c => c.Check.Run.Update(target.Owner, target.Name, run.Id, update), cancellationToken);
        }
        return (run, annotations.Count, Math.Max(1, batches.Count));
    }

    async Task<StudentPaths> PathsInTreeAsync(ReportView view, PublishTarget target, CancellationToken cancellationToken)
    {
        var annotated = view.Report.Annotations.Select(a => a.File).Where(f => f.Length > 0).ToList();
        if (annotated.Count == 0) return new StudentPaths("");
        var tree = await api.CallAsync($"reading the files of {target.Repository}@{Short(target.Sha)}",
            c => c.Git.Tree.GetRecursive(target.Owner, target.Name, target.Sha), cancellationToken);
        return StudentPaths.InTree(tree.Tree.Where(i => i.Type.Value == TreeType.Blob).Select(i => i.Path), annotated);
    }

    async Task<int?> FindFeedbackPullRequestAsync(PublishTarget target, CancellationToken cancellationToken)
    {
        var pulls = await api.CallAsync($"listing the pull requests of {target.Repository} to find \"{FeedbackComment.ClassroomPullRequestTitle}\"",
            c => c.PullRequest.GetAllForRepository(target.Owner, target.Name, new PullRequestRequest { State = ItemStateFilter.All }), cancellationToken);
        return pulls.Where(p => string.Equals(p.Title.Trim(), FeedbackComment.ClassroomPullRequestTitle, StringComparison.OrdinalIgnoreCase))
            .OrderBy(p => p.State.Value == ItemState.Open ? 0 : 1).ThenBy(p => p.Number)
            .Select(p => (int?)p.Number).FirstOrDefault();
    }

    /// <summary>
    /// Who the grader's comments are written by: only a GitHub App can create a check run (an Actions token is the
    /// github-actions app's), and an app comments as its slug with "[bot]". Null if GitHub names no app.
    /// </summary>
    static string? AuthorOf(CheckRun run) => run.App?.Slug is { Length: > 0 } slug ? slug + "[bot]" : null;

    async Task<(IssueComment Comment, bool Updated)> UpsertCommentAsync(ReportView view, PublishTarget target, int issue, string? author, CancellationToken cancellationToken)
    {
        var assignment = view.Report.Assignment;
        var body = FeedbackComment.Body(view);
        var comments = await api.CallAsync($"reading the comments of #{issue} in {target.Repository}",
            c => c.Issue.Comment.GetAllForIssue(target.Owner, target.Name, issue), cancellationToken);
        // Only a comment the grader wrote is its own to edit: a student can post the marker first (red team 16, b), and the
        // grader would then keep its grade in a comment the student can edit. Not knowing who it is, it edits nothing.
        var earlier = author is null ? null : comments.FirstOrDefault(c => FeedbackComment.IsFor(c.Body, assignment)
            && string.Equals(c.User?.Login, author, StringComparison.OrdinalIgnoreCase));
        if (earlier is not null)
            return (await api.CallAsync($"updating comment {earlier.Id} on #{issue} in {target.Repository} (the token needs pull-requests: write)",
                c => c.Issue.Comment.Update(target.Owner, target.Name, earlier.Id, body), cancellationToken), true);
        return (await api.CallAsync($"commenting on #{issue} in {target.Repository} (the token needs pull-requests: write)",
            c => c.Issue.Comment.Create(target.Owner, target.Name, issue, body), cancellationToken), false);
    }

    static string Short(string sha) => sha.Length > 12 ? sha[..12] : sha;
}
