using Course.GitHub;

namespace Course.Cli.Commands;

/// <summary>
/// The token and API address for commands that call GitHub, from their options or, as GitHub Actions sets them, the
/// environment (<c>GITHUB_TOKEN</c>, <c>GITHUB_API_URL</c>).
/// </summary>
internal sealed record GitHubAccess(string Token, Uri ApiUrl)
{
    /// <param name="purpose">What needs GitHub, for the message when no token is found (e.g. "--post").</param>
    public static (GitHubAccess? Access, string? Problem) Resolve(string? token, string? apiUrl, Func<string, string?> environment, string purpose)
    {
        var found = NonEmpty(token) ?? NonEmpty(environment("GITHUB_TOKEN"));
        if (found is null) return (null, $"{purpose} needs a GitHub token: pass --token or set GITHUB_TOKEN");
        var api = NonEmpty(apiUrl) ?? NonEmpty(environment("GITHUB_API_URL"));
        if (api is null) return (new GitHubAccess(found, GitHubApi.DefaultApiUrl), null);
        return Uri.TryCreate(api, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? (new GitHubAccess(found, uri), null)
            : (null, $"--api-url must be an http(s) URL, not '{api}'");
    }

    public GitHubApi Connect() => GitHubApi.Connect(Token, ApiUrl);

    public static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
