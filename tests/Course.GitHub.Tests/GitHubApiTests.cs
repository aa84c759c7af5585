namespace Course.GitHub.Tests;

/// <summary>Where <see cref="GitHubApi.Connect"/> sends requests: the API address exactly as given, GitHub Enterprise's path included.</summary>
public class GitHubApiTests
{
    [TestCase("https://api.github.com", "https://api.github.com/")]
    [TestCase("https://ghe.example.edu/api/v3", "https://ghe.example.edu/api/v3/")]
    [TestCase("http://127.0.0.1:8123/", "http://127.0.0.1:8123/")]
    public void Given_an_api_url_When_connected_Then_requests_go_under_it_unchanged(string given, string baseAddress)
    {
        var api = GitHubApi.Connect("ghp_token", new Uri(given));

        Assert.That(api.Client.Connection.BaseAddress, Is.EqualTo(new Uri(baseAddress)));
        Assert.That(new Uri(api.Client.Connection.BaseAddress, "repos/o/r/check-runs").AbsoluteUri, Is.EqualTo(baseAddress + "repos/o/r/check-runs"));
    }

    [Test]
    public void Given_no_api_url_When_connected_Then_it_is_githubs()
    {
        Assert.That(GitHubApi.Connect(null).Client.Connection.BaseAddress, Is.EqualTo(new Uri("https://api.github.com/")));
    }
}
