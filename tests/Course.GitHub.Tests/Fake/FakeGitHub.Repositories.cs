using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Course.GitHub.Tests.Fake;

/// <summary>Org repositories, commits (with <c>sha</c>, <c>since</c>, <c>until</c>), push activity, and tarballs through a codeload redirect.</summary>
public sealed partial class FakeGitHub
{
    static readonly DateTimeOffset RepositoriesCreated = new(2025, 1, 6, 9, 0, 0, TimeSpan.Zero);

    void ListOrgRepositories(HttpListenerContext context, RecordedRequest request, Match match)
    {
        var org = match.Groups["org"].Value;
        var owned = repositories.Values.Where(r => string.Equals(r.Owner, org, StringComparison.OrdinalIgnoreCase)).OrderBy(r => r.Id).ToList();
        if (owned.Count == 0) { NotFound(context); return; }
        RespondPage(context, request, [.. owned.Select(r => GitHubJson.Repository(Api, r, RepositoriesCreated))]);
    }

    void ListCommits(HttpListenerContext context, RecordedRequest request, Match match)
    {
        if (Find(match) is not { } repo) { NotFound(context); return; }
        if (repo.GitDirectory is null) { Respond(context, (int)HttpStatusCode.Conflict, GitHubJson.Error("Git Repository is empty.")); return; }
        var args = new List<string> { "log", GitHubJson.GitLogFormat, Query(request, "sha") is { Length: > 0 } sha ? sha : repo.DefaultBranch };
        if (Query(request, "until") is { Length: > 0 } until) args.Add($"--until={until}");
        if (Query(request, "since") is { Length: > 0 } since) args.Add($"--since={since}");
        args.Add("--");
        string log;
        try { log = Git.Run(repo.GitDirectory, [.. args]); }
        catch (InvalidOperationException) { NotFound(context); return; }
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        RespondPage(context, request, [.. lines.Select(line => GitHubJson.Commit(Api, repo.FullName, line))]);
    }

    void GetCommit(HttpListenerContext context, RecordedRequest request, Match match)
    {
        if (Find(match) is not { GitDirectory: { } git } repo) { NotFound(context); return; }
        try { Respond(context, 200, GitHubJson.Commit(Api, repo.FullName, Git.Run(git, "log", "-1", GitHubJson.GitLogFormat, match.Groups["ref"].Value, "--").Trim('\n'))); }
        catch (InvalidOperationException) { Respond(context, 422, GitHubJson.Error($"No commit found for SHA: {match.Groups["ref"].Value}")); }
    }

    /// <summary>Newest first, filtered by <c>ref</c> (full or short) and <c>activity_type</c>, as GitHub lists a repository's activity.</summary>
    void ListActivity(HttpListenerContext context, RecordedRequest request, Match match)
    {
        if (Find(match) is not { } repo) { NotFound(context); return; }
        var (branch, type) = (Query(request, "ref"), Query(request, "activity_type"));
        var pushes = repo.Pushes
            .Where(p => branch.Length == 0 || p.Ref == branch || p.Ref == $"refs/heads/{branch}")
            .Where(p => type.Length == 0 || p.ActivityType == type)
            .OrderByDescending(p => p.Timestamp);
        RespondPage(context, request, [.. pushes.Select(p => GitHubJson.Activity(Api, repo, p))]);
    }

    /// <summary>A commit's tree; with <c>recursive=1</c> every file and folder in it, as <c>git ls-tree -r -t</c> lists them.</summary>
    void GetTree(HttpListenerContext context, RecordedRequest request, Match match)
    {
        if (Find(match) is not { GitDirectory: { } git } repo) { NotFound(context); return; }
        var tree = match.Groups["ref"].Value;
        var args = Query(request, "recursive") is { Length: > 0 } ? new[] { "ls-tree", "-r", "-t", "--long", tree } : ["ls-tree", "--long", tree];
        string listing, sha;
        try { (listing, sha) = (Git.Run(git, args), Git.Run(git, "rev-parse", tree + "^{tree}").Trim()); }
        catch (InvalidOperationException) { NotFound(context); return; }
        var items = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var (meta, path) = (line.Split('\t', 2)[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), line.Split('\t', 2)[1]);
            var item = new JsonObject { ["path"] = path, ["mode"] = meta[0], ["type"] = meta[1], ["sha"] = meta[2] };
            if (meta[1] == "blob") item["size"] = long.Parse(meta[3], System.Globalization.CultureInfo.InvariantCulture);
            item["url"] = $"{Api}repos/{repo.FullName}/git/{meta[1]}s/{meta[2]}";
            return (JsonNode)item;
        });
        Respond(context, 200, new JsonObject
        {
            ["sha"] = sha,
            ["url"] = $"{Api}repos/{repo.FullName}/git/trees/{sha}",
            ["tree"] = new JsonArray([.. items]),
            ["truncated"] = false,
        });
    }

    void RedirectToTarball(HttpListenerContext context, RecordedRequest request, Match match)
    {
        if (Find(match) is not { GitDirectory: not null } repo) { NotFound(context); return; }
        Respond(context, 302, null, extra: [("Location", $"{Api}codeload/{repo.FullName}/legacy.tar.gz/{match.Groups["ref"].Value}")]);
    }

    /// <summary>What codeload.github.com serves: <c>git archive</c> of the commit under an <c>owner-repo-sha7/</c> folder.</summary>
    void ServeTarball(HttpListenerContext context, RecordedRequest request, Match match)
    {
        if (Find(match) is not { GitDirectory: { } git } repo) { NotFound(context); return; }
        string sha;
        try { sha = Git.Run(git, "rev-parse", "--verify", match.Groups["ref"].Value + "^{commit}").Trim(); }
        catch (InvalidOperationException) { NotFound(context); return; }
        var tarball = Git.RunBytes(git, null, "archive", "--format=tar.gz", $"--prefix={repo.Owner}-{repo.Name}-{sha[..7]}/", sha);
        if (repo.CorruptTarball) tarball = tarball[..(tarball.Length / 2)];
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/x-gzip";
        response.Headers["Content-Disposition"] = $"attachment; filename={repo.Owner}-{repo.Name}-{sha[..7]}.tar.gz";
        response.ContentLength64 = tarball.Length;
        response.OutputStream.Write(tarball);
        response.Close();
    }
}
