using Course.Cli.Commands;
using Course.GitHub.Tests.Fake;
using Course.GitHub.Tests.Publish;

namespace Course.GitHub.Tests.Cli;

/// <summary>
/// The options of `course grade --post`: the defaults a GitHub Actions job provides (GITHUB_TOKEN, GITHUB_REPOSITORY,
/// GITHUB_SHA, GITHUB_API_URL), what is refused before grading, and the exit code and message of each publishing failure.
/// </summary>
public class PublishOptionsTests : PublishFixture
{
    static readonly Dictionary<string, string> Actions = new()
    {
        ["GITHUB_TOKEN"] = "ghs_from_actions",
        ["GITHUB_REPOSITORY"] = "course-2025/hw3-attention-alice",
        ["GITHUB_SHA"] = "0123456789ABCDEF0123456789abcdef01234567",
        ["GITHUB_API_URL"] = "https://ghe.example.edu/api/v3",
    };

    static Func<string, string?> Environment(IReadOnlyDictionary<string, string> variables) => name => variables.GetValueOrDefault(name);

    [Test]
    public void Given_a_GitHub_Actions_job_When_post_is_given_alone_Then_everything_comes_from_its_environment()
    {
        var (destination, problem) = PublishOptions.Resolve(new PublishOptions { Post = true }, Environment(Actions));

        Assert.That(problem, Is.Null);
        Assert.That(destination, Is.EqualTo(new PublishOptions.Destination(
            new GitHubAccess("ghs_from_actions", new Uri("https://ghe.example.edu/api/v3")), "course-2025", "hw3-attention-alice", "0123456789abcdef0123456789abcdef01234567", null)));
    }

    [Test]
    public void Given_options_and_an_environment_When_resolved_Then_the_options_win()
    {
        var options = new PublishOptions { Post = true, Token = "ghp_mine", Repo = "me/hw", Sha = new string('a', 40), Pr = 7, ApiUrl = "http://127.0.0.1:9/" };

        var (destination, _) = PublishOptions.Resolve(options, Environment(Actions));

        Assert.That(destination, Is.EqualTo(new PublishOptions.Destination(new GitHubAccess("ghp_mine", new Uri("http://127.0.0.1:9/")), "me", "hw", new string('a', 40), 7)));
    }

    [Test]
    public void Given_no_api_url_anywhere_When_resolved_Then_it_is_githubs()
    {
        var (destination, _) = PublishOptions.Resolve(new PublishOptions { Post = true, Token = "t", Repo = "o/r" }, Environment(new Dictionary<string, string>()));

        Assert.That(destination!.Access.ApiUrl, Is.EqualTo(new Uri("https://api.github.com/")));
        Assert.That(destination.Sha, Is.Null, "the graded commit will be used");
    }

    [TestCase(null, "o/r", null, null, null, "--post needs a GitHub token: pass --token or set GITHUB_TOKEN")]
    [TestCase("t", null, null, null, null, "--post needs the repository: pass --repo OWNER/NAME or set GITHUB_REPOSITORY")]
    [TestCase("t", "just-a-name", null, null, null, "--repo must be OWNER/NAME, not 'just-a-name'")]
    [TestCase("t", "o/r", "abc123", null, null, "--sha must be a full commit id (40 hex digits), not 'abc123'")]
    [TestCase("t", "o/r", null, 0, null, "--pr must be a pull request or issue number, not 0")]
    [TestCase("t", "o/r", null, null, "ftp://example.org", "--api-url must be an http(s) URL, not 'ftp://example.org'")]
    public void Given_post_with_something_missing_or_wrong_When_resolved_Then_the_problem_says_what_to_pass(string? token, string? repo, string? sha, int? pr, string? api, string problem)
    {
        var options = new PublishOptions { Post = true, Token = token, Repo = repo, Sha = sha, Pr = pr, ApiUrl = api };

        Assert.That(PublishOptions.Resolve(options, Environment(new Dictionary<string, string>())).Problem, Is.EqualTo(problem));
    }

    [Test]
    public void Given_publishing_options_without_post_When_resolved_Then_they_are_refused_as_doing_nothing()
    {
        var (_, problem) = PublishOptions.Resolve(new PublishOptions { Token = "t", Pr = 3 }, Environment(Actions));

        Assert.That(problem, Is.EqualTo("--token, --pr only apply with --post"));
    }

    [Test]
    public void Given_post_without_a_token_When_grade_is_run_Then_it_exits_2_before_grading()
    {
        var saved = System.Environment.GetEnvironmentVariable("GITHUB_TOKEN");
        System.Environment.SetEnvironmentVariable("GITHUB_TOKEN", null);
        try
        {
            var (exitCode, output) = CourseCli.Run("grade", Hw3Files.Assignment, "--post", "--repo", "o/r");

            Assert.That(exitCode, Is.EqualTo(2));
            Assert.That(output, Does.Contain("--post needs a GitHub token: pass --token or set GITHUB_TOKEN"));
            Assert.That(output, Does.Not.Contain("Score:"));
        }
        finally
        {
            System.Environment.SetEnvironmentVariable("GITHUB_TOKEN", saved);
        }
    }

    [TestCase(FakeFailure.Unauthorized, "error: --post: GitHub refused the token (401 Bad credentials) while creating the check run")]
    [TestCase(FakeFailure.Forbidden, "error: --post: GitHub forbade creating the check run")]
    [TestCase(FakeFailure.NotFound, "error: --post: GitHub found nothing (404 Not Found) while creating the check run")]
    [TestCase(FakeFailure.RateLimited, "error: --post: GitHub's rate limit stopped creating the check run")]
    [TestCase(FakeFailure.TooManyRequests, "error: --post: GitHub's rate limit stopped creating the check run")]
    [TestCase(FakeFailure.DropConnection, "error: --post: GitHub could not be reached at")]
    public async Task Given_GitHub_failing_When_posting_Then_it_exits_3_with_a_message_naming_the_failure(FakeFailure failure, string message)
    {
        GitHub.Fail(failure);
        var output = new StringWriter();

        var exitCode = await PublishOptions.PostAsync(Destination(), Reports.View(38), Paths, output, Api(), CancellationToken.None);

        Assert.That(exitCode, Is.EqualTo(3));
        Assert.That(output.ToString(), Does.StartWith(message));
        Assert.That(output.ToString(), Does.Contain("The grade was not published to GitHub; the report above (and any --out files) were written before."));
    }

    [Test]
    public async Task Given_no_commit_from_options_environment_or_report_When_posting_Then_it_exits_2_asking_for_sha()
    {
        var output = new StringWriter();

        var exitCode = await PublishOptions.PostAsync(Destination() with { Sha = null }, Reports.View(38), Paths, output, Api(), CancellationToken.None);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output.ToString(), Does.StartWith("error: --post: no commit to publish on: pass --sha or set GITHUB_SHA"));
        Assert.That(GitHub.Requests, Is.Empty);
    }

    [Test]
    public async Task Given_the_graded_commit_in_the_report_When_posting_without_sha_Then_the_check_run_goes_on_it()
    {
        var view = Reports.View(38);
        view = view with { Report = view.Report with { Provenance = view.Report.Provenance with { SubmissionCommit = Sha } } };
        var output = new StringWriter();

        var exitCode = await PublishOptions.PostAsync(Destination() with { Sha = null }, view, Paths, output, Api(), CancellationToken.None);

        Assert.That(exitCode, Is.Zero, output.ToString());
        Assert.That(Repo.CheckRuns.Single().HeadSha, Is.EqualTo(Sha));
        Assert.That(output.ToString(), Does.StartWith($"Published to {Owner}/{Name}:\n  check run: https://github.com/{Owner}/{Name}/runs/").And.Contain("(posted)"));
    }

    PublishOptions.Destination Destination() => new(new GitHubAccess(FakeGitHub.Token, GitHub.ApiUrl), Owner, Name, Sha, null);
}
