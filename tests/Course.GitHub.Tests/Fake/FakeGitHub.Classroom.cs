using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Course.GitHub.Tests.Fake;

/// <summary>GitHub Classroom's <c>GET /assignments/{id}/accepted_assignments</c>, in the documented shape.</summary>
public sealed partial class FakeGitHub
{
    void ListAcceptedAssignments(HttpListenerContext context, RecordedRequest request, Match match)
    {
        if (!assignments.TryGetValue(long.Parse(match.Groups["id"].Value), out var assignment)) { NotFound(context); return; }
        RespondPage(context, request, [.. assignment.Accepted.Select(a => (JsonNode)new JsonObject
        {
            ["id"] = a.Id, ["submitted"] = a.Submitted, ["passing"] = false, ["commit_count"] = a.CommitCount, ["grade"] = "0/100",
            ["students"] = new JsonArray([.. a.Students.Select((login, i) => (JsonNode)new JsonObject
            {
                ["id"] = 3000 + a.Id * 10 + i, ["login"] = login, ["name"] = login,
                ["avatar_url"] = $"https://avatars.githubusercontent.com/u/{3000 + a.Id * 10 + i}?v=4", ["html_url"] = $"https://github.com/{login}",
            })]),
            ["repository"] = a.Repository is { } repo ? new JsonObject
            {
                ["id"] = repo.Id, ["name"] = repo.Name, ["full_name"] = repo.FullName, ["html_url"] = $"https://github.com/{repo.FullName}",
                ["node_id"] = GitHubJson.NodeId("R", repo.Id), ["private"] = true, ["default_branch"] = repo.DefaultBranch,
            } : null,
            ["assignment"] = new JsonObject
            {
                ["id"] = assignment.Id, ["public_repo"] = false, ["title"] = assignment.Title, ["type"] = "individual",
                ["invite_link"] = $"https://classroom.github.com/a/{assignment.Slug}", ["invitations_enabled"] = true, ["slug"] = assignment.Slug,
                ["students_are_repo_admins"] = false, ["feedback_pull_requests_enabled"] = true, ["max_teams"] = null, ["max_members"] = null,
                ["editor"] = null, ["accepted"] = assignment.Accepted.Count, ["submitted"] = assignment.Accepted.Count(x => x.Submitted), ["passing"] = 0,
                ["language"] = "csharp", ["deadline"] = assignment.Deadline is { } d ? GitHubJson.Time(d) : null,
                ["classroom"] = new JsonObject { ["id"] = 1296269, ["name"] = "Decoding GPT", ["archived"] = false, ["url"] = "https://classroom.github.com/classrooms/1296269-decoding-gpt" },
            },
        })]);
    }
}
