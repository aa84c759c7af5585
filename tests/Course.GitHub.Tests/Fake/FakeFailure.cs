namespace Course.GitHub.Tests.Fake;

/// <summary>How the fake server misbehaves when told to, each as GitHub does.</summary>
public enum FakeFailure
{
    /// <summary>401 Bad credentials.</summary>
    Unauthorized,
    /// <summary>403 Resource not accessible by integration (a token without the permission).</summary>
    Forbidden,
    /// <summary>404 Not Found.</summary>
    NotFound,
    /// <summary>403 API rate limit exceeded, X-RateLimit-Remaining 0, with Retry-After.</summary>
    RateLimited,
    /// <summary>429 secondary rate limit, with Retry-After.</summary>
    TooManyRequests,
    /// <summary>The connection closes in the middle of the answer.</summary>
    DropConnection,
}

/// <summary>A failure armed on the fake: the next <paramref name="Times"/> requests that <paramref name="Matches"/> get it.</summary>
public sealed record ArmedFailure(FakeFailure Failure, int Times, Func<RecordedRequest, bool> Matches, int RetryAfterSeconds)
{
    public int Left { get; set; } = Times;
}
