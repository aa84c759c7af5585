namespace Course.GitHub;

/// <summary>Why a call to GitHub failed, as far as the person running the grader can act on it.</summary>
public enum GitHubFailureKind
{
    /// <summary>401: the token is missing, wrong or expired.</summary>
    Unauthorized,
    /// <summary>403: the token lacks a permission (e.g. <c>checks: write</c>).</summary>
    Forbidden,
    /// <summary>404: no such repository, commit, pull request or assignment, or the token cannot see it.</summary>
    NotFound,
    /// <summary>403/429 rate limited, still after waiting once as GitHub asked.</summary>
    RateLimited,
    /// <summary>GitHub could not be reached, or the connection dropped.</summary>
    Network,
    /// <summary>Any other answer GitHub gave (422, 5xx, ...).</summary>
    Unexpected,
}

/// <summary>A call to GitHub that failed; the message says what was being done and what to check.</summary>
public sealed class GitHubFailure(GitHubFailureKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public GitHubFailureKind Kind { get; } = kind;
}
