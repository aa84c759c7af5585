using Course.GitHub.Publish;
using Course.GitHub.Tests.Fake;

namespace Course.GitHub.Tests.Publish;

/// <summary>
/// What publishing does when GitHub says no: each failure is a <see cref="GitHubFailure"/> of its own kind whose message
/// says what was being done and what to check; a rate limit is waited out once, as long as GitHub asks, and no more.
/// </summary>
public class PublishFailureTests : PublishFixture
{
    [Test]
    public async Task Given_a_wrong_token_When_published_Then_it_fails_as_unauthorized_naming_the_token_options()
    {
        var failure = await Assert.ThrowsAsync<GitHubFailure>(() => new GradePublisher(Api("ghp_wrong")).PublishAsync(Reports.View(38), Target(), Paths));

        Assert.That(failure!.Kind, Is.EqualTo(GitHubFailureKind.Unauthorized));
        Assert.That(failure.Message, Is.EqualTo(
            $"GitHub refused the token (401 Bad credentials) while creating the check run on {Owner}/{Name}@{Sha[..12]} (the token needs checks: write): pass a valid --token or set GITHUB_TOKEN."));
        Assert.That(Repo.CheckRuns, Is.Empty);
    }

    [Test]
    public async Task Given_a_token_without_the_comment_permission_When_published_Then_it_fails_as_forbidden_after_the_check_run()
    {
        GitHub.Fail(FakeFailure.Forbidden, when: r => r.Method == "POST" && r.Path.EndsWith("/comments", StringComparison.Ordinal));

        var failure = await Assert.ThrowsAsync<GitHubFailure>(() => new GradePublisher(Api()).PublishAsync(Reports.View(38), Target(), Paths));

        Assert.That(failure!.Kind, Is.EqualTo(GitHubFailureKind.Forbidden));
        Assert.That(failure.Message, Is.EqualTo(
            $"GitHub forbade commenting on #{FeedbackNumber} in {Owner}/{Name} (the token needs pull-requests: write) (403 Resource not accessible by integration): the token lacks the permission for it."));
        Assert.That(Repo.CheckRuns, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Given_an_unknown_repository_When_published_Then_it_fails_as_not_found()
    {
        var failure = await Assert.ThrowsAsync<GitHubFailure>(() =>
            new GradePublisher(Api()).PublishAsync(Reports.View(38), Target() with { Name = "hw3-attention-nobody" }, Paths));

        Assert.That(failure!.Kind, Is.EqualTo(GitHubFailureKind.NotFound));
        Assert.That(failure.Message, Does.StartWith("GitHub found nothing (404 Not Found) while creating the check run on course-2025/hw3-attention-nobody@"));
    }

    [TestCase(FakeFailure.RateLimited)]
    [TestCase(FakeFailure.TooManyRequests)]
    public async Task Given_one_rate_limited_answer_When_published_Then_it_waits_as_long_as_Retry_After_says_and_succeeds(FakeFailure limit)
    {
        GitHub.Fail(limit, times: 1, retryAfterSeconds: 7);

        await new GradePublisher(Api()).PublishAsync(Reports.View(38), Target(), Paths);

        Assert.That(Waits, Is.EqualTo(new[] { TimeSpan.FromSeconds(7) }));
        Assert.That(GitHub.Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/check-runs", StringComparison.Ordinal)), Is.EqualTo(2));
        Assert.That(Repo.CheckRuns, Has.Count.EqualTo(1));
        Assert.That(Repo.Comments, Has.Count.EqualTo(1));
    }

    [TestCase(FakeFailure.RateLimited, "API rate limit exceeded for installation ID 4242.")]
    [TestCase(FakeFailure.TooManyRequests, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.")]
    public async Task Given_a_rate_limit_that_lasts_When_published_Then_it_waits_once_then_fails_as_rate_limited(FakeFailure limit, string said)
    {
        GitHub.Fail(limit, retryAfterSeconds: 3);

        var failure = await Assert.ThrowsAsync<GitHubFailure>(() => new GradePublisher(Api()).PublishAsync(Reports.View(38), Target(), Paths));

        Assert.That(failure!.Kind, Is.EqualTo(GitHubFailureKind.RateLimited));
        Assert.That(failure.Message, Does.StartWith($"GitHub's rate limit stopped creating the check run on {Owner}/{Name}@{Sha[..12]} (the token needs checks: write) {said}, again after waiting 3 s as it asked; it resets at "));
        Assert.That(Waits, Is.EqualTo(new[] { TimeSpan.FromSeconds(3) }));
        Assert.That(GitHub.Requests, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Given_a_rate_limit_longer_than_worth_waiting_When_published_Then_it_fails_at_once()
    {
        GitHub.Fail(FakeFailure.RateLimited, retryAfterSeconds: 3600);

        var failure = await Assert.ThrowsAsync<GitHubFailure>(() => new GradePublisher(Api()).PublishAsync(Reports.View(38), Target(), Paths));

        Assert.That(failure!.Kind, Is.EqualTo(GitHubFailureKind.RateLimited));
        Assert.That(Waits, Is.Empty);
        Assert.That(GitHub.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Given_a_dropped_connection_When_published_Then_it_fails_as_a_network_failure()
    {
        GitHub.Fail(FakeFailure.DropConnection);

        var failure = await Assert.ThrowsAsync<GitHubFailure>(() => new GradePublisher(Api()).PublishAsync(Reports.View(38), Target(), Paths));

        Assert.That(failure!.Kind, Is.EqualTo(GitHubFailureKind.Network));
        Assert.That(failure.Message, Does.StartWith($"GitHub could not be reached at {GitHub.ApiUrl} while creating the check run on {Owner}/{Name}@{Sha[..12]}"));
    }

    [Test]
    public async Task Given_nothing_listening_at_the_api_url_When_published_Then_it_fails_as_a_network_failure()
    {
        var closed = new Uri($"http://127.0.0.1:{ClosedPort()}/");

        var failure = await Assert.ThrowsAsync<GitHubFailure>(() => new GradePublisher(Connect(FakeGitHub.Token, closed)).PublishAsync(Reports.View(38), Target(), Paths));

        Assert.That(failure!.Kind, Is.EqualTo(GitHubFailureKind.Network));
        Assert.That(failure.Message, Does.StartWith($"GitHub could not be reached at {closed} while creating the check run"));
    }

    static int ClosedPort()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
