using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Course.GitHub.Tests.Fake;

/// <summary>Check runs: create and update, validated as GitHub validates them (50 annotations a request, required fields, a known commit).</summary>
public sealed partial class FakeGitHub
{
    public const int MaxAnnotationsPerRequest = 50;
    const int MaxSummaryCharacters = 65_535;

    void CreateCheckRun(HttpListenerContext context, RecordedRequest request, Match match)
    {
        if (Find(match) is not { } repo) { NotFound(context); return; }
        var body = request.Json!.AsObject();
        var name = (string?)body["name"];
        var sha = (string?)body["head_sha"];
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(sha)) { Invalid(context, "name and head_sha are required"); return; }
        if (repo.GitDirectory is null || !IsCommit(repo, sha)) { Invalid(context, $"No commit found for SHA: {sha}"); return; }
        var run = new FakeCheckRun(Interlocked.Increment(ref nextId), name, sha);
        if (Apply(run, body) is { } problem) { Invalid(context, problem); return; }
        repo.CheckRuns.Add(run);
        Respond(context, 201, GitHubJson.CheckRun(Api, repo.FullName, run, AppSlug));
    }

    void UpdateCheckRun(HttpListenerContext context, RecordedRequest request, Match match)
    {
        if (Find(match) is not { } repo || repo.CheckRuns.FirstOrDefault(r => r.Id == long.Parse(match.Groups["id"].Value)) is not { } run)
        {
            NotFound(context);
            return;
        }
        if (Apply(run, request.Json!.AsObject()) is { } problem) { Invalid(context, problem); return; }
        Respond(context, 200, GitHubJson.CheckRun(Api, repo.FullName, run, AppSlug));
    }

    /// <summary>Applies a create or update body; annotations append, as GitHub's do. Returns what GitHub would refuse, if anything.</summary>
    static string? Apply(FakeCheckRun run, JsonObject body)
    {
        if ((string?)body["name"] is { } name) run.Name = name;
        if ((string?)body["status"] is { } status) run.Status = status;
        if ((string?)body["conclusion"] is { } conclusion) { run.Conclusion = conclusion; run.Status = "completed"; }
        if ((string?)body["completed_at"] is { } completed) run.CompletedAt = DateTimeOffset.Parse(completed, System.Globalization.CultureInfo.InvariantCulture);
        if (body["output"] is not JsonObject output) return null;
        var (title, summary) = ((string?)output["title"], (string?)output["summary"]);
        if (title is null || summary is null) return "output.title and output.summary are required";
        if (summary.Length > MaxSummaryCharacters) return $"output.summary is too long (maximum is {MaxSummaryCharacters} characters)";
        var annotations = output["annotations"] as JsonArray ?? [];
        if (annotations.Count > MaxAnnotationsPerRequest) return $"Only {MaxAnnotationsPerRequest} annotations are allowed per request";
        foreach (var a in annotations)
        {
            if (a is not JsonObject annotation || (string?)annotation["path"] is not { Length: > 0 } || (string?)annotation["message"] is not { Length: > 0 }
                || annotation["start_line"] is null || annotation["end_line"] is null
                || (string?)annotation["annotation_level"] is not ("notice" or "warning" or "failure"))
                return "each annotation needs path, start_line, end_line, annotation_level (notice, warning or failure) and message";
            if (annotation["start_column"] is not null && (int)annotation["start_line"]! != (int)annotation["end_line"]!)
                return "start_column and end_column are only allowed when start_line equals end_line";
        }
        run.Title = title;
        run.Summary = summary;
        run.Annotations.AddRange(annotations.Select(a => a!.DeepClone()));
        return null;
    }

    static bool IsCommit(FakeRepository repo, string sha)
    {
        try { return Git.Run(repo.GitDirectory!, "cat-file", "-t", sha).Trim() == "commit"; }
        catch (InvalidOperationException) { return false; }
    }

    static void Invalid(HttpListenerContext context, string message) =>
        Respond(context, (int)HttpStatusCode.UnprocessableEntity, new JsonObject
        {
            ["message"] = "Validation Failed",
            ["errors"] = new JsonArray(new JsonObject { ["resource"] = "CheckRun", ["code"] = "custom", ["message"] = message }),
            ["documentation_url"] = "https://docs.github.com/rest/checks/runs",
        });
}
