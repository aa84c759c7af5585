using System.Net;
using System.Text.RegularExpressions;

namespace Course.GitHub.Tests.Fake;

/// <summary>Pull requests (listing only) and issue comments: list, create, edit.</summary>
public sealed partial class FakeGitHub
{
    /// <summary>
    /// The GitHub App the token belongs to, which creates the check runs and writes the comments (as "{slug}[bot]"): an
    /// Actions token is the github-actions app's; an instructor may install an app of their own.
    /// </summary>
    public string AppSlug { get; set; } = "github-actions";

    void ListPullRequests(HttpListenerContext context, RecordedRequest request, Match match)
    {
        if (Find(match) is not { } repo) { NotFound(context); return; }
        var state = Query(request, "state") is { Length: > 0 } s ? s : "open";
        var pulls = repo.PullRequests.Where(p => state == "all" || p.State == state).OrderByDescending(p => p.Number);
        RespondPage(context, request, [.. pulls.Select(p => GitHubJson.PullRequest(Api, repo, p))]);
    }

    void ListComments(HttpListenerContext context, RecordedRequest request, Match match)
    {
        if (Find(match) is not { } repo || !IsIssue(repo, int.Parse(match.Groups["number"].Value))) { NotFound(context); return; }
        var number = int.Parse(match.Groups["number"].Value);
        RespondPage(context, request, [.. repo.Comments.Where(c => c.Issue == number).OrderBy(c => c.Id).Select(c => GitHubJson.Comment(Api, repo.FullName, c))]);
    }

    void CreateComment(HttpListenerContext context, RecordedRequest request, Match match)
    {
        if (Find(match) is not { } repo || !IsIssue(repo, int.Parse(match.Groups["number"].Value))) { NotFound(context); return; }
        if ((string?)request.Json?["body"] is not { Length: > 0 } body) { Invalid(context, "body is required"); return; }
        var comment = new FakeComment(Interlocked.Increment(ref nextId), int.Parse(match.Groups["number"].Value), body, AppSlug + "[bot]", DateTimeOffset.UtcNow);
        repo.Comments.Add(comment);
        Respond(context, 201, GitHubJson.Comment(Api, repo.FullName, comment));
    }

    void UpdateComment(HttpListenerContext context, RecordedRequest request, Match match)
    {
        if (Find(match) is not { } repo || repo.Comments.FirstOrDefault(c => c.Id == long.Parse(match.Groups["id"].Value)) is not { } comment)
        {
            NotFound(context);
            return;
        }
        if ((string?)request.Json?["body"] is not { Length: > 0 } body) { Invalid(context, "body is required"); return; }
        comment.Body = body;
        comment.UpdatedAt = DateTimeOffset.UtcNow;
        Respond(context, 200, GitHubJson.Comment(Api, repo.FullName, comment));
    }

    /// <summary>Pull requests are issues too; an issue is known when it has a pull request or a comment.</summary>
    static bool IsIssue(FakeRepository repo, int number) =>
        repo.PullRequests.Any(p => p.Number == number) || repo.Comments.Any(c => c.Issue == number);
}
