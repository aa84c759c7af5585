namespace Course.GitHub.Batch;

/// <summary>
/// One entry of <c>GET /repos/{owner}/{repo}/activity</c>: a change of a branch (push, force push, merge) and when GitHub
/// received it. This is the push time the grader trusts; a commit's own date is whatever the student's clock said.
/// Shaped for Octokit's JSON reader, which maps <c>activity_type</c> to <see cref="ActivityType"/>.
/// </summary>
public sealed class RepositoryActivity
{
    public long Id { get; set; }
    public string Before { get; set; } = "";
    public string After { get; set; } = "";
    public string Ref { get; set; } = "";
    public DateTimeOffset Timestamp { get; set; }
    /// <summary>push, force_push, branch_creation, branch_deletion, pr_merge or merge_queue_merge.</summary>
    public string ActivityType { get; set; } = "";

    /// <summary>Whether the branch pointed at <see cref="After"/> from <see cref="Timestamp"/> on (a deletion points nowhere).</summary>
    public bool MovedBranch => ActivityType != "branch_deletion" && !IsNoCommit(After);

    public static bool IsNoCommit(string sha) => sha.Length == 0 || sha.All(c => c == '0');
}
