using System.Globalization;
using System.Text.Json.Nodes;

namespace Course.GitHub.Tests.Fake;

/// <summary>The JSON shapes GitHub's REST API answers with, trimmed to the fields that matter but with real names and types.</summary>
public static class GitHubJson
{
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string NodeId(string kind, long id) => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"0{kind}{id}"));

    public static JsonObject User(string api, string login, long id, string type = "User") => new()
    {
        ["login"] = login,
        ["id"] = id,
        ["node_id"] = NodeId("U", id),
        ["type"] = type,
        ["site_admin"] = false,
        ["avatar_url"] = $"https://avatars.githubusercontent.com/u/{id}?v=4",
        ["url"] = $"{api}users/{login}",
        ["html_url"] = $"https://github.com/{login}",
    };

    public static JsonObject Repository(string api, FakeRepository repo, DateTimeOffset created) => new()
    {
        ["id"] = repo.Id,
        ["node_id"] = NodeId("R", repo.Id),
        ["name"] = repo.Name,
        ["full_name"] = repo.FullName,
        ["private"] = true,
        ["owner"] = User(api, repo.Owner, 9000 + repo.Owner.Length, "Organization"),
        ["html_url"] = $"https://github.com/{repo.FullName}",
        ["description"] = null,
        ["fork"] = false,
        ["url"] = $"{api}repos/{repo.FullName}",
        ["clone_url"] = $"https://github.com/{repo.FullName}.git",
        ["created_at"] = Time(created),
        ["updated_at"] = Time(created),
        ["pushed_at"] = Time(repo.Pushes.LastOrDefault()?.Timestamp ?? created),
        ["default_branch"] = repo.DefaultBranch,
        ["is_template"] = repo.IsTemplate,
        ["archived"] = false,
        ["disabled"] = false,
        ["visibility"] = "private",
        ["size"] = 12,
        ["stargazers_count"] = 0,
        ["watchers_count"] = 0,
        ["forks_count"] = 0,
        ["open_issues_count"] = 0,
        ["has_issues"] = true,
        ["has_wiki"] = false,
        ["has_pages"] = false,
        ["permissions"] = new JsonObject { ["admin"] = true, ["push"] = true, ["pull"] = true },
    };

    /// <summary>A commit as <c>GET /repos/{o}/{r}/commits</c> lists it, from one line of <see cref="GitLogFormat"/>.</summary>
    public static JsonObject Commit(string api, string fullName, string logLine)
    {
        var f = logLine.Split('\0');
        var (sha, parents, tree) = (f[0], f[1].Split(' ', StringSplitOptions.RemoveEmptyEntries), f[8]);
        return new JsonObject
        {
            ["sha"] = sha,
            ["node_id"] = NodeId("C", Convert.ToInt64(sha[..8], 16)),
            ["commit"] = new JsonObject
            {
                ["author"] = new JsonObject { ["name"] = f[2], ["email"] = f[3], ["date"] = Time(DateTimeOffset.Parse(f[4], CultureInfo.InvariantCulture)) },
                ["committer"] = new JsonObject { ["name"] = f[5], ["email"] = f[6], ["date"] = Time(DateTimeOffset.Parse(f[7], CultureInfo.InvariantCulture)) },
                ["message"] = f[9],
                ["tree"] = new JsonObject { ["sha"] = tree, ["url"] = $"{api}repos/{fullName}/git/trees/{tree}" },
                ["url"] = $"{api}repos/{fullName}/git/commits/{sha}",
                ["comment_count"] = 0,
                ["verification"] = new JsonObject { ["verified"] = false, ["reason"] = "unsigned", ["signature"] = null, ["payload"] = null },
            },
            ["url"] = $"{api}repos/{fullName}/commits/{sha}",
            ["html_url"] = $"https://github.com/{fullName}/commit/{sha}",
            ["comments_url"] = $"{api}repos/{fullName}/commits/{sha}/comments",
            ["author"] = null,
            ["committer"] = null,
            ["parents"] = new JsonArray([.. parents.Select(p => (JsonNode)new JsonObject { ["sha"] = p, ["url"] = $"{api}repos/{fullName}/commits/{p}", ["html_url"] = $"https://github.com/{fullName}/commit/{p}" })]),
        };
    }

    /// <summary>sha, parents, author name/email/date, committer name/email/date, tree, subject: NUL-separated.</summary>
    public const string GitLogFormat = "--format=%H%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%T%x00%s";

    public static JsonObject CheckRun(string api, string fullName, FakeCheckRun run, string appSlug = "github-actions") => new()
    {
        ["id"] = run.Id,
        ["node_id"] = NodeId("CR", run.Id),
        ["head_sha"] = run.HeadSha,
        ["external_id"] = "",
        ["url"] = $"{api}repos/{fullName}/check-runs/{run.Id}",
        ["html_url"] = $"https://github.com/{fullName}/runs/{run.Id}",
        ["details_url"] = $"https://github.com/{fullName}/runs/{run.Id}",
        ["status"] = run.Status,
        ["conclusion"] = run.Conclusion,
        ["name"] = run.Name,
        ["started_at"] = Time(DateTimeOffset.UnixEpoch.AddDays(20000)),
        ["completed_at"] = run.CompletedAt is { } done ? Time(done) : null,
        ["output"] = new JsonObject
        {
            ["title"] = run.Title,
            ["summary"] = run.Summary,
            ["text"] = null,
            ["annotations_count"] = run.Annotations.Count,
            ["annotations_url"] = $"{api}repos/{fullName}/check-runs/{run.Id}/annotations",
        },
        ["check_suite"] = new JsonObject { ["id"] = 5000 + run.Id },
        ["app"] = new JsonObject { ["id"] = 15368 + appSlug.Length, ["slug"] = appSlug, ["name"] = appSlug, ["node_id"] = NodeId("A", 15368 + appSlug.Length) },
        ["pull_requests"] = new JsonArray(),
    };

    public static JsonObject Comment(string api, string fullName, FakeComment comment) => new()
    {
        ["id"] = comment.Id,
        ["node_id"] = NodeId("IC", comment.Id),
        ["url"] = $"{api}repos/{fullName}/issues/comments/{comment.Id}",
        ["html_url"] = $"https://github.com/{fullName}/pull/{comment.Issue}#issuecomment-{comment.Id}",
        ["issue_url"] = $"{api}repos/{fullName}/issues/{comment.Issue}",
        ["body"] = comment.Body,
        ["user"] = User(api, comment.User, 41898282, comment.User.EndsWith("[bot]", StringComparison.Ordinal) ? "Bot" : "User"),
        ["created_at"] = Time(comment.CreatedAt),
        ["updated_at"] = Time(comment.UpdatedAt),
        ["author_association"] = "NONE",
    };

    public static JsonObject PullRequest(string api, FakeRepository repo, FakePullRequest pull) => new()
    {
        ["id"] = pull.Id,
        ["node_id"] = NodeId("PR", pull.Id),
        ["number"] = pull.Number,
        ["state"] = pull.State,
        ["locked"] = false,
        ["title"] = pull.Title,
        ["body"] = "👋! GitHub Classroom created this pull request as a place for your teacher to leave feedback on your work.",
        ["url"] = $"{api}repos/{repo.FullName}/pulls/{pull.Number}",
        ["html_url"] = $"https://github.com/{repo.FullName}/pull/{pull.Number}",
        ["issue_url"] = $"{api}repos/{repo.FullName}/issues/{pull.Number}",
        ["user"] = User(api, "github-classroom[bot]", 66690702, "Bot"),
        ["created_at"] = Time(DateTimeOffset.UnixEpoch.AddDays(20000)),
        ["updated_at"] = Time(DateTimeOffset.UnixEpoch.AddDays(20000)),
        ["closed_at"] = null,
        ["merged_at"] = null,
        ["draft"] = false,
        ["head"] = Branch(api, repo, pull.Head),
        ["base"] = Branch(api, repo, pull.Base),
    };

    static JsonObject Branch(string api, FakeRepository repo, string branch) => new()
    {
        ["label"] = $"{repo.Owner}:{branch}",
        ["ref"] = branch,
        ["sha"] = new string('a', 40),
        ["user"] = User(api, repo.Owner, 9000 + repo.Owner.Length, "Organization"),
        ["repo"] = Repository(api, repo, DateTimeOffset.UnixEpoch.AddDays(20000)),
    };

    public static JsonObject Activity(string api, FakeRepository repo, FakeRepository.Push push) => new()
    {
        ["id"] = push.Id,
        ["node_id"] = NodeId("RA", push.Id),
        ["before"] = push.Before,
        ["after"] = push.After,
        ["ref"] = push.Ref,
        ["timestamp"] = Time(push.Timestamp),
        ["activity_type"] = push.ActivityType,
        ["actor"] = User(api, repo.Name.Split('-').Last(), 7000 + push.Id),
    };

    public static JsonObject Error(string message, string documentation = "https://docs.github.com/rest") =>
        new() { ["message"] = message, ["documentation_url"] = documentation };
}
