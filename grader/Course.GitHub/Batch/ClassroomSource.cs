using Course.Grader.Batch;
using Course.Grader.Report;
using Course.Grader.Score;
using Octokit;

namespace Course.GitHub.Batch;

/// <summary>
/// The accepted assignments of a GitHub Classroom assignment (<c>GET /assignments/{id}/accepted_assignments</c>, which
/// Octokit has no client for). A group's members are joined with '+'. When the policy has no deadline, the assignment's
/// own deadline in Classroom applies.
/// </summary>
public sealed class ClassroomSource(GitHubApi api, long assignmentId) : ISubmissionSource, IGradePoster
{
    /// <summary>Whether grades posted back show hidden tests one by one (by default only their count).</summary>
    public bool RevealHidden { get; init; }

    public async Task<IReadOnlyList<StudentSubmission>> ListAsync(DeadlinePolicy deadline, CancellationToken cancellationToken)
    {
        var connection = new ApiConnection(api.Client.Connection);
        var accepted = await api.CallAsync($"listing the accepted assignments of Classroom assignment {assignmentId}",
            _ => connection.GetAll<AcceptedAssignment>(new Uri($"assignments/{assignmentId}/accepted_assignments", UriKind.Relative),
                new ApiOptions { PageSize = 100 }), cancellationToken);
        var policy = deadline.Deadline is null && accepted.Select(a => a.Assignment?.Deadline).FirstOrDefault(d => d is not null) is { } classroomDeadline
            ? deadline with { Deadline = classroomDeadline }
            : deadline;

        var withRepository = new List<StudentRepository>();
        var without = new List<StudentSubmission>();
        foreach (var a in accepted)
        {
            var student = string.Join("+", a.Students.Select(s => s.Login).Order(StringComparer.Ordinal));
            if (student.Length == 0) student = $"accepted-{a.Id}";
            if (Publish.PublishTarget.SplitRepository(a.Repository?.FullName) is var (owner, name))
                withRepository.Add(new StudentRepository(student, owner, name, a.Repository!.DefaultBranch ?? "main"));
            else
                without.Add(new StudentSubmission(student, "", null, null, SubmissionTimeSource.None, false, 0, "GitHub Classroom has no repository for this acceptance"));
        }
        var picked = await new CommitAtDeadline(api).PickAllAsync(withRepository, policy, cancellationToken);
        return [.. picked.Concat(without).OrderBy(s => s.Student, StringComparer.Ordinal)];
    }

    public Task<string> FetchAsync(StudentSubmission submission, string scratch, CancellationToken cancellationToken) =>
        TarballFetch.FetchAsync(api, submission, scratch, cancellationToken);

    /// <summary>A check run on the graded commit and the comment on the "Feedback" pull request, as <c>course grade --post</c> makes.</summary>
    public Task PostAsync(StudentSubmission submission, GradeReport report, CancellationToken cancellationToken) =>
        GradePosting.PostAsync(api, submission, new ReportView(report, RevealHidden), cancellationToken);
}
