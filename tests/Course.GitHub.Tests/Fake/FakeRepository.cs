using System.Text.Json.Nodes;

namespace Course.GitHub.Tests.Fake;

/// <summary>
/// One repository on the fake server: a real git repository on disk (or none, for an empty one), the pushes GitHub
/// recorded, and the check runs, pull requests and comments made through the API.
/// </summary>
public sealed class FakeRepository(long id, string owner, string name, string? gitDirectory, string defaultBranch, bool isTemplate)
{
    public long Id { get; } = id;
    public string Owner { get; } = owner;
    public string Name { get; } = name;
    public string FullName => $"{Owner}/{Name}";
    public string? GitDirectory { get; } = gitDirectory;
    public string DefaultBranch { get; } = defaultBranch;
    public bool IsTemplate { get; } = isTemplate;

    /// <summary>Serve the first half of the real tarball: what a broken download or a damaged archive looks like.</summary>
    public bool CorruptTarball { get; set; }

    public List<Push> Pushes { get; } = [];
    public List<FakeCheckRun> CheckRuns { get; } = [];
    public List<FakePullRequest> PullRequests { get; } = [];
    public List<FakeComment> Comments { get; } = [];

    /// <summary>Records that <paramref name="branch"/> was pushed at <paramref name="at"/>, to whatever it holds now in git.</summary>
    /// <param name="before">What the branch held before; by default what the last recorded push left, or no commit.</param>
    public Push RecordPush(DateTimeOffset at, string? branch = null, string type = "push", string? before = null)
    {
        branch ??= DefaultBranch;
        var after = Git.Run(GitDirectory!, "rev-parse", $"refs/heads/{branch}").Trim();
        before ??= Pushes.LastOrDefault(p => p.Ref == $"refs/heads/{branch}")?.After ?? new string('0', 40);
        var push = new Push(Pushes.Count + 1, before, after, $"refs/heads/{branch}", at, type);
        Pushes.Add(push);
        return push;
    }

    public sealed record Push(long Id, string Before, string After, string Ref, DateTimeOffset Timestamp, string ActivityType);
}

public sealed class FakeCheckRun(long id, string name, string headSha)
{
    public long Id { get; } = id;
    public string Name { get; set; } = name;
    public string HeadSha { get; } = headSha;
    public string Status { get; set; } = "queued";
    public string? Conclusion { get; set; }
    public string? Title { get; set; }
    public string? Summary { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public List<JsonNode> Annotations { get; } = [];
}

public sealed record FakePullRequest(long Id, int Number, string Title, string State, string Head, string Base);

public sealed class FakeComment(long id, int issue, string body, string user, DateTimeOffset created)
{
    public long Id { get; } = id;
    public int Issue { get; } = issue;
    public string Body { get; set; } = body;
    public string User { get; } = user;
    public DateTimeOffset CreatedAt { get; } = created;
    public DateTimeOffset UpdatedAt { get; set; } = created;
}
