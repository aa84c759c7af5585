using Course.Grader.Batch;
using Course.Grader.Report;
using Course.Grader.Score;
using Octokit;

namespace Course.GitHub.Batch;

/// <summary>
/// The repositories of an org whose names start with a prefix, as GitHub Classroom makes them (<c>hw3-attention-alice</c>):
/// the student is the name less the prefix. Template repositories are left out.
/// </summary>
public sealed class OrgSource(GitHubApi api, string org, string prefix) : ISubmissionSource, IGradePoster
{
    /// <summary>Whether grades posted back show hidden tests one by one (by default only their count).</summary>
    public bool RevealHidden { get; init; }

    public async Task<IReadOnlyList<StudentSubmission>> ListAsync(DeadlinePolicy deadline, CancellationToken cancellationToken)
    {
        var repositories = await api.CallAsync($"listing the repositories of {org}",
            c => c.Repository.GetAllForOrg(org, new ApiOptions { PageSize = 100 }), cancellationToken);
        var students = repositories
            .Where(r => r.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && r.Name.Length > prefix.Length && !r.IsTemplate)
            .Select(r => new StudentRepository(r.Name[prefix.Length..], r.Owner.Login, r.Name, r.DefaultBranch ?? "main"))
            .OrderBy(r => r.Student, StringComparer.Ordinal)
            .ToList();
        return await new CommitAtDeadline(api).PickAllAsync(students, deadline, cancellationToken);
    }

    public Task<string> FetchAsync(StudentSubmission submission, string scratch, CancellationToken cancellationToken) =>
        TarballFetch.FetchAsync(api, submission, scratch, cancellationToken);

    /// <summary>A check run on the graded commit and the comment on the "Feedback" pull request, as <c>course grade --post</c> makes.</summary>
    public Task PostAsync(StudentSubmission submission, GradeReport report, CancellationToken cancellationToken) =>
        GradePosting.PostAsync(api, submission, new ReportView(report, RevealHidden), cancellationToken);
}
