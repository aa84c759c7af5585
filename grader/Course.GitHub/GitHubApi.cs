using System.Globalization;
using System.Net;
using Course.Grader.Pipeline;
using Octokit;
using Octokit.Internal;

namespace Course.GitHub;

/// <summary>
/// Octokit with the grader's rules for failure: a rate limit is waited out once (for as long as <c>Retry-After</c>
/// or <c>X-RateLimit-Reset</c> says, up to <see cref="MaxRateLimitWait"/>), then every failure becomes a
/// <see cref="GitHubFailure"/> whose message names what was being done.
/// </summary>
public sealed class GitHubApi(IGitHubClient client)
{
    public static readonly Uri DefaultApiUrl = new("https://api.github.com/");

    public IGitHubClient Client { get; } = client;

    /// <summary>The longest rate-limit wait worth sitting out; past it the call fails at once.</summary>
    public TimeSpan MaxRateLimitWait { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How a rate-limit wait is spent (tests record it instead of sleeping).</summary>
    public Func<TimeSpan, CancellationToken, Task> Wait { get; init; } = Task.Delay;

    /// <summary>
    /// A client for <paramref name="apiUrl"/> as given: <c>new GitHubClient(header, uri)</c> would append <c>api/v3/</c>
    /// to any address but github.com's, which breaks <c>GITHUB_API_URL</c> and local servers alike.
    /// </summary>
    /// <summary>The most bytes one response may hold (see <see cref="ResponseSizeLimit"/>): a tarball that could be unpacked is far smaller.</summary>
    public const long DefaultMaxResponseBytes = 256L << 20;

    public static GitHubApi Connect(string? token, Uri? apiUrl = null, long maxResponseBytes = DefaultMaxResponseBytes)
    {
        var baseAddress = apiUrl ?? DefaultApiUrl;
        // Relative endpoints resolve against the last '/': without it, a path prefix (GHES's /api/v3) would be dropped.
        if (!baseAddress.AbsoluteUri.EndsWith('/')) baseAddress = new Uri(baseAddress.AbsoluteUri + "/");
        var credentials = string.IsNullOrEmpty(token) ? Credentials.Anonymous : new Credentials(token, AuthenticationType.Bearer);
        var http = new HttpClientAdapter(() => new ResponseSizeLimit(maxResponseBytes) { InnerHandler = HttpMessageHandlerFactory.CreateDefault() });
        var connection = new Connection(new ProductHeaderValue("course-grader", GradePipeline.GraderVersion), baseAddress, new InMemoryCredentialStore(credentials),
            http, new SimpleJsonSerializer());
        return new GitHubApi(new GitHubClient(connection));
    }

    /// <summary>Runs one call to GitHub; <paramref name="doing"/> completes "... while {doing}".</summary>
    public async Task<T> CallAsync<T>(string doing, Func<IGitHubClient, Task<T>> call, CancellationToken cancellationToken = default)
    {
        var waited = TimeSpan.Zero;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await call(Client);
            }
            catch (Exception e) when (attempt == 1 && RateLimitWait(e) is { } wait && wait <= MaxRateLimitWait)
            {
                waited = wait;
                await Wait(wait, cancellationToken);
            }
            catch (Exception e) when (Translate(e, doing, waited) is { } failure)
            {
                throw failure;
            }
        }
    }

    public Task CallAsync(string doing, Func<IGitHubClient, Task> call, CancellationToken cancellationToken = default) =>
        CallAsync(doing, async c => { await call(c); return true; }, cancellationToken);

    /// <summary>How long GitHub asked to wait, when <paramref name="e"/> is a rate limit (primary, secondary or 429).</summary>
    static TimeSpan? RateLimitWait(Exception e)
    {
        if (!IsRateLimit(e)) return null;
        var response = ((ApiException)e).HttpResponse;
        if (Header(response, "Retry-After") is { } retryAfter && int.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return TimeSpan.FromSeconds(seconds);
        if (Header(response, "X-RateLimit-Reset") is { } reset && long.TryParse(reset, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
            return TimeSpan.FromSeconds(Math.Max(0, epoch - DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        return TimeSpan.FromMinutes(1); // GitHub's advice for a secondary limit that names no time
    }

    static bool IsRateLimit(Exception e) =>
        e is RateLimitExceededException or SecondaryRateLimitExceededException or AbuseException
        || e is ApiException { StatusCode: (HttpStatusCode)429 }
        || e is ForbiddenException f && Header(f.HttpResponse, "X-RateLimit-Remaining") == "0";

    static string? Header(IResponse? response, string name) =>
        response?.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    GitHubFailure? Translate(Exception e, string doing, TimeSpan waited)
    {
        if (e is OperationCanceledException && e is not TaskCanceledException { InnerException: TimeoutException }) return null;
        if (e is GitHubFailure) return null;
        var said = e is ApiException api ? Said(api) : "";
        return e switch
        {
            _ when IsRateLimit(e) => new GitHubFailure(GitHubFailureKind.RateLimited,
                $"GitHub's rate limit stopped {doing}{said}" +
                (waited > TimeSpan.Zero ? $", again after waiting {waited.TotalSeconds:0} s as it asked" : "") +
                (ResetTime((ApiException)e) is { } reset ? $"; it resets at {reset:u}" : "") + ". Try again later.", e),
            AuthorizationException => new GitHubFailure(GitHubFailureKind.Unauthorized,
                $"GitHub refused the token (401{said}) while {doing}: pass a valid --token or set GITHUB_TOKEN.", e),
            ForbiddenException => new GitHubFailure(GitHubFailureKind.Forbidden,
                $"GitHub forbade {doing} (403{said}): the token lacks the permission for it.", e),
            NotFoundException => new GitHubFailure(GitHubFailureKind.NotFound,
                $"GitHub found nothing (404{said}) while {doing}: check the repository or id, and that the token can see it.", e),
            ApiException other => new GitHubFailure(GitHubFailureKind.Unexpected,
                $"GitHub answered {(int)other.StatusCode}{said} while {doing}.", e),
            HttpRequestException or IOException or TaskCanceledException => new GitHubFailure(GitHubFailureKind.Network,
                $"GitHub could not be reached at {Client.Connection.BaseAddress} while {doing}: {Innermost(e).Message}", e),
            _ => null,
        };
    }

    static string Said(ApiException e) => e.ApiError?.Message is { Length: > 0 } message ? $" {message}" : "";

    static DateTimeOffset? ResetTime(ApiException e) => e switch
    {
        RateLimitExceededException limit => limit.Reset,
        _ when Header(e.HttpResponse, "X-RateLimit-Reset") is { } reset && long.TryParse(reset, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
            => DateTimeOffset.FromUnixTimeSeconds(epoch),
        _ => null,
    };

    static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;
}
