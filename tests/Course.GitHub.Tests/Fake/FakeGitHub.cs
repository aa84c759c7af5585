using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Course.GitHub.Tests.Fake;

/// <summary>
/// GitHub's REST API, in process on 127.0.0.1 and a free port: the endpoints the grader uses, with GitHub's JSON shapes,
/// <c>Link</c> pagination and rate-limit headers, over real git repositories. It records every request and can be told to
/// fail the next ones (<see cref="Fail"/>) as GitHub does.
/// </summary>
public sealed partial class FakeGitHub : IDisposable
{
    public const string Token = "ghs_fake_installation_token";

    readonly HttpListener listener = new();
    readonly List<RecordedRequest> requests = [];
    readonly List<ArmedFailure> failures = [];
    readonly Dictionary<string, FakeRepository> repositories = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<long, FakeClassroomAssignment> assignments = [];
    readonly Task serving;
    long nextId = 1000;

    public FakeGitHub()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            listener.Prefixes.Clear();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try { listener.Start(); ApiUrl = new Uri($"http://127.0.0.1:{port}/"); break; }
            catch (HttpListenerException) when (attempt < 5) { }
        }
        serving = Task.Run(ServeAsync);
    }

    public Uri ApiUrl { get; } = null!;

    string Api => ApiUrl.AbsoluteUri;

    public IReadOnlyList<RecordedRequest> Requests { get { lock (requests) return [.. requests]; } }

    public void ClearRequests() { lock (requests) requests.Clear(); }

    /// <summary>The next <paramref name="times"/> requests (matching <paramref name="when"/>, if given) fail this way.</summary>
    public void Fail(FakeFailure failure, int times = int.MaxValue, Func<RecordedRequest, bool>? when = null, int retryAfterSeconds = 1)
    {
        lock (failures) failures.Add(new ArmedFailure(failure, times, when ?? (_ => true), retryAfterSeconds));
    }

    public void StopFailing() { lock (failures) failures.Clear(); }

    public FakeRepository AddRepository(string owner, string name, string? gitDirectory, string defaultBranch = "main", bool isTemplate = false)
    {
        lock (repositories)
        {
            var repository = new FakeRepository(Interlocked.Increment(ref nextId), owner, name, gitDirectory, defaultBranch, isTemplate);
            repositories.Add(repository.FullName, repository);
            return repository;
        }
    }

    public FakeRepository Repository(string fullName) { lock (repositories) return repositories[fullName]; }

    /// <summary>A pull request such as GitHub Classroom's "Feedback" one (head main, base feedback).</summary>
    public FakePullRequest AddPullRequest(FakeRepository repository, string title, string state = "open", string head = "main", string @base = "feedback")
    {
        lock (repositories)
        {
            var number = repository.PullRequests.Count + repository.Comments.Select(c => c.Issue).DefaultIfEmpty(0).Max() + 1;
            var pull = new FakePullRequest(Interlocked.Increment(ref nextId), number, title, state, head, @base);
            repository.PullRequests.Add(pull);
            return pull;
        }
    }

    public FakeComment AddComment(FakeRepository repository, int issue, string body, string user = "octocat")
    {
        lock (repositories)
        {
            var comment = new FakeComment(Interlocked.Increment(ref nextId), issue, body, user, DateTimeOffset.UnixEpoch.AddDays(20000));
            repository.Comments.Add(comment);
            return comment;
        }
    }

    public FakeClassroomAssignment AddClassroomAssignment(long id, string title, string slug, DateTimeOffset? deadline)
    {
        var assignment = new FakeClassroomAssignment(id, title, slug, deadline);
        lock (repositories) assignments.Add(id, assignment);
        return assignment;
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        try { serving.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }

    async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => Handle(context));
        }
    }

    void Handle(HttpListenerContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        var recorded = new RecordedRequest(request.HttpMethod, request.Url!.AbsolutePath, request.Url.Query, request.Headers["Authorization"], reader.ReadToEnd());
        lock (requests) requests.Add(recorded);
        try
        {
            if (ArmedFor(recorded) is { } failure) { Misbehave(context, failure); return; }
            if (!recorded.Path.StartsWith("/codeload/", StringComparison.Ordinal) && recorded.Authorization is not ("Bearer " + Token or "token " + Token))
            {
                Respond(context, 401, GitHubJson.Error("Bad credentials"));
                return;
            }
            lock (repositories) Route(context, recorded);
        }
        catch (Exception e)
        {
            Respond(context, 500, GitHubJson.Error($"fake GitHub failed: {e.Message}"));
        }
    }

    void Route(HttpListenerContext context, RecordedRequest request)
    {
        foreach (var (method, pattern, handler) in Routes())
        {
            if (method != request.Method) continue;
            var match = pattern.Match(request.Path);
            if (!match.Success) continue;
            handler(context, request, match);
            return;
        }
        NotFound(context);
    }

    IEnumerable<(string Method, Regex Path, Action<HttpListenerContext, RecordedRequest, Match> Handle)> Routes() =>
    [
        ("POST", RepoPath("check-runs"), CreateCheckRun),
        ("PATCH", RepoPath(@"check-runs/(?<id>\d+)"), UpdateCheckRun),
        ("GET", RepoPath("pulls"), ListPullRequests),
        ("GET", RepoPath(@"issues/(?<number>\d+)/comments"), ListComments),
        ("POST", RepoPath(@"issues/(?<number>\d+)/comments"), CreateComment),
        ("PATCH", RepoPath(@"issues/comments/(?<id>\d+)"), UpdateComment),
        ("GET", new Regex(@"^/orgs/(?<org>[^/]+)/repos$"), ListOrgRepositories),
        ("GET", RepoPath("commits"), ListCommits),
        ("GET", RepoPath(@"commits/(?<ref>[^/]+)"), GetCommit),
        ("GET", RepoPath("activity"), ListActivity),
        ("GET", RepoPath(@"git/trees/(?<ref>[^/]+)"), GetTree),
        ("GET", RepoPath(@"tarball/(?<ref>.+)"), RedirectToTarball),
        ("GET", new Regex(@"^/codeload/(?<owner>[^/]+)/(?<repo>[^/]+)/legacy\.tar\.gz/(?<ref>.+)$"), ServeTarball),
        ("GET", new Regex(@"^/assignments/(?<id>\d+)/accepted_assignments$"), ListAcceptedAssignments),
    ];

    static Regex RepoPath(string rest) => new($"^/repos/(?<owner>[^/]+)/(?<repo>[^/]+)/{rest}$");

    FakeRepository? Find(Match match) =>
        repositories.GetValueOrDefault($"{match.Groups["owner"].Value}/{match.Groups["repo"].Value}");

    ArmedFailure? ArmedFor(RecordedRequest request)
    {
        lock (failures)
        {
            var armed = failures.FirstOrDefault(f => f.Left > 0 && f.Matches(request));
            if (armed is not null) armed.Left--;
            return armed;
        }
    }

    static void Misbehave(HttpListenerContext context, ArmedFailure armed)
    {
        var retry = armed.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        switch (armed.Failure)
        {
            case FakeFailure.Unauthorized:
                Respond(context, 401, GitHubJson.Error("Bad credentials"));
                break;
            case FakeFailure.Forbidden:
                Respond(context, 403, GitHubJson.Error("Resource not accessible by integration"));
                break;
            case FakeFailure.NotFound:
                Respond(context, 404, GitHubJson.Error("Not Found"));
                break;
            case FakeFailure.RateLimited:
                Respond(context, 403, GitHubJson.Error("API rate limit exceeded for installation ID 4242.", "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api"),
                    remaining: 0, extra: [("Retry-After", retry)]);
                break;
            case FakeFailure.TooManyRequests:
                Respond(context, 429, GitHubJson.Error("You have exceeded a secondary rate limit. Please wait a few minutes before you try again."),
                    extra: [("Retry-After", retry)]);
                break;
            case FakeFailure.DropConnection:
                // HttpListener's Abort alone still sends an empty 200; a body cut short is a connection that dropped.
                context.Response.ContentType = "application/json; charset=utf-8";
                context.Response.ContentLength64 = 4096;
                context.Response.OutputStream.Write("{\"id\":"u8);
                context.Response.OutputStream.Flush();
                context.Response.Abort();
                break;
        }
    }

    static void NotFound(HttpListenerContext context) =>
        Respond(context, 404, GitHubJson.Error("Not Found", "https://docs.github.com/rest"));

    /// <summary>Answers with JSON and GitHub's usual headers: rate-limit counters, the API version, a request id.</summary>
    static void Respond(HttpListenerContext context, int status, JsonNode? body, int remaining = 4999, IEnumerable<(string, string)>? extra = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.Headers["X-GitHub-Api-Version-Selected"] = "2022-11-28";
        response.Headers["X-GitHub-Request-Id"] = Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        response.Headers["X-RateLimit-Limit"] = "5000";
        response.Headers["X-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Reset"] = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600).ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Used"] = (5000 - remaining).ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Resource"] = "core";
        foreach (var (name, value) in extra ?? []) response.Headers[name] = value;
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body.ToJsonString());
        if (body is not null) response.ContentType = "application/json; charset=utf-8";
        response.ContentLength64 = bytes.Length;
        response.OutputStream.Write(bytes);
        response.Close();
    }

    /// <summary>Answers one page of <paramref name="items"/> as GitHub does: <c>page</c> and <c>per_page</c> (30 by default, 100 at most) and a Link header.</summary>
    void RespondPage(HttpListenerContext context, RecordedRequest request, IReadOnlyList<JsonNode> items)
    {
        var query = System.Web.HttpUtility.ParseQueryString(request.Query);
        var perPage = Math.Clamp(int.TryParse(query["per_page"], out var p) ? p : 30, 1, 100);
        var page = Math.Max(1, int.TryParse(query["page"], out var n) ? n : 1);
        var last = Math.Max(1, (items.Count + perPage - 1) / perPage);
        var links = new List<string>();
        string Url(int target)
        {
            var copy = System.Web.HttpUtility.ParseQueryString(request.Query);
            copy["page"] = target.ToString(CultureInfo.InvariantCulture);
            copy["per_page"] = perPage.ToString(CultureInfo.InvariantCulture);
            return $"<{Api.TrimEnd('/')}{request.Path}?{copy}>";
        }
        if (page < last) { links.Add($"{Url(page + 1)}; rel=\"next\""); links.Add($"{Url(last)}; rel=\"last\""); }
        if (page > 1) { links.Add($"{Url(1)}; rel=\"first\""); links.Add($"{Url(page - 1)}; rel=\"prev\""); }
        var body = new JsonArray([.. items.Skip((page - 1) * perPage).Take(perPage).Select(i => i.DeepClone())]);
        Respond(context, 200, body, extra: links.Count > 0 ? [("Link", string.Join(", ", links))] : null);
    }

    static string Query(RecordedRequest request, string name) => System.Web.HttpUtility.ParseQueryString(request.Query)[name] ?? "";

    static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
