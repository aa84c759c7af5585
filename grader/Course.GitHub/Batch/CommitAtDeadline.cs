using System.Net;
using Course.Grader.Batch;
using Octokit;

namespace Course.GitHub.Batch;

/// <summary>
/// Picks the commit to grade in a student's repository: the last one on the branch at or before the student's deadline.
/// "At or before" goes by push time from the repository's activity log, which GitHub records on receipt; only when the
/// log has nothing for the branch (an older GitHub Enterprise, say) does it fall back to the committer date, which the
/// student's clock sets. <see cref="StudentSubmission.TimeSource"/> says which was used. Commits on the branch after the
/// graded one are counted in <see cref="StudentSubmission.LaterPushes"/>, and make the submission <c>Late</c>.
/// </summary>
internal sealed class CommitAtDeadline(GitHubApi api)
{
    const int Concurrency = 4;

    public async Task<IReadOnlyList<StudentSubmission>> PickAllAsync(IReadOnlyList<StudentRepository> repositories, DeadlinePolicy deadline, CancellationToken cancellationToken)
    {
        var picked = new StudentSubmission[repositories.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, repositories.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (i, ct) => picked[i] = await PickAsync(repositories[i], deadline.For(repositories[i].Student), ct));
        return picked;
    }

    public async Task<StudentSubmission> PickAsync(StudentRepository repository, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        try
        {
            var branchMoves = (await ActivityAsync(repository, cancellationToken)).Where(a => a.MovedBranch).OrderBy(a => a.Timestamp).ToList();
            var history = await HistoryAsync(repository, cancellationToken);
            if (history.Count == 0) return Problem(repository, $"{repository.FullName} has no commits on {repository.Branch}");

            var (commit, at, source) = deadline is null ? Head(history, branchMoves)
                : branchMoves.Count > 0 ? await ByPushTimeAsync(repository, branchMoves, deadline.Value, cancellationToken)
                : await ByCommitDateAsync(repository, deadline.Value, cancellationToken);
            if (commit is null)
                return Problem(repository, $"nothing was on {repository.Branch} by the deadline {deadline:u}", later: history.Count);
            var later = LaterCommits(history, commit, branchMoves, deadline);
            return new StudentSubmission(repository.Student, repository.FullName, commit, at, source, later > 0, later);
        }
        catch (GitHubFailure e) when (e.Kind == GitHubFailureKind.NotFound || IsEmptyRepository(e))
        {
            return Problem(repository, IsEmptyRepository(e) ? $"{repository.FullName} is empty" : $"{repository.FullName} or its branch {repository.Branch} was not found");
        }
    }

    static (string?, DateTimeOffset?, SubmissionTimeSource) Head(IReadOnlyList<GitHubCommit> history, IReadOnlyList<RepositoryActivity> moves)
    {
        var head = history[0];
        return moves.LastOrDefault(m => m.After == head.Sha) is { } push
            ? (head.Sha, push.Timestamp, SubmissionTimeSource.Pushed)
            : (head.Sha, head.Commit.Committer.Date, SubmissionTimeSource.Committed);
    }

    /// <summary>The branch as it stood at the deadline: after the last move before it, or before the first move of all.</summary>
    async Task<(string?, DateTimeOffset?, SubmissionTimeSource)> ByPushTimeAsync(StudentRepository repository, IReadOnlyList<RepositoryActivity> moves, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        if (moves.LastOrDefault(m => m.Timestamp <= deadline) is { } onTime)
            return (onTime.After, onTime.Timestamp, SubmissionTimeSource.Pushed);
        var before = moves[0].Before;
        if (RepositoryActivity.IsNoCommit(before)) return (null, null, SubmissionTimeSource.None);
        // What the branch held before its first recorded move (the template GitHub Classroom copied in): no push time for it.
        var commit = await api.CallAsync($"reading commit {before} of {repository.FullName}",
            c => c.Repository.Commit.Get(repository.Owner, repository.Name, before), cancellationToken);
        return (commit.Sha, commit.Commit.Committer.Date, SubmissionTimeSource.Committed);
    }

    async Task<(string?, DateTimeOffset?, SubmissionTimeSource)> ByCommitDateAsync(StudentRepository repository, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var until = await api.CallAsync($"listing the commits of {repository.FullName} up to {deadline:u}",
            c => c.Repository.Commit.GetAll(repository.Owner, repository.Name, new CommitRequest { Sha = repository.Branch, Until = deadline },
                new ApiOptions { PageSize = 1, PageCount = 1 }), cancellationToken);
        return until.FirstOrDefault() is { } last
            ? (last.Sha, last.Commit.Committer.Date, SubmissionTimeSource.Committed)
            : (null, null, SubmissionTimeSource.None);
    }

    /// <summary>Commits on the branch now that came after the graded one; for history rewritten since, the moves after the deadline.</summary>
    static int LaterCommits(IReadOnlyList<GitHubCommit> history, string graded, IReadOnlyList<RepositoryActivity> moves, DateTimeOffset? deadline)
    {
        var index = history.Select(c => c.Sha).ToList().IndexOf(graded);
        if (index >= 0) return index;
        return deadline is null ? 0 : moves.Where(m => m.Timestamp > deadline).Select(m => m.After).Distinct().Count();
    }

    async Task<IReadOnlyList<RepositoryActivity>> ActivityAsync(StudentRepository repository, CancellationToken cancellationToken)
    {
        var connection = new ApiConnection(api.Client.Connection);
        var parameters = new Dictionary<string, string> { ["ref"] = $"refs/heads/{repository.Branch}" };
        return await api.CallAsync($"reading the push activity of {repository.FullName}",
            _ => connection.GetAll<RepositoryActivity>(new Uri($"repos/{repository.Owner}/{repository.Name}/activity", UriKind.Relative), parameters,
                new ApiOptions { PageSize = 100 }), cancellationToken);
    }

    Task<IReadOnlyList<GitHubCommit>> HistoryAsync(StudentRepository repository, CancellationToken cancellationToken) =>
        api.CallAsync($"listing the commits on {repository.Branch} of {repository.FullName}",
            c => c.Repository.Commit.GetAll(repository.Owner, repository.Name, new CommitRequest { Sha = repository.Branch }, new ApiOptions { PageSize = 100 }),
            cancellationToken);

    static bool IsEmptyRepository(GitHubFailure e) => e.InnerException is ApiException { StatusCode: HttpStatusCode.Conflict };

    static StudentSubmission Problem(StudentRepository repository, string problem, int later = 0) =>
        new(repository.Student, repository.FullName, null, null, SubmissionTimeSource.None, later > 0, later, problem);
}
