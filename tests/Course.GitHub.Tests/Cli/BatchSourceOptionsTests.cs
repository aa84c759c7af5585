namespace Course.GitHub.Tests.Cli;

/// <summary>`course batch` with the GitHub sources: the options that go together, and the token it needs, checked before anything runs.</summary>
[NonParallelizable]
public class BatchSourceOptionsTests
{
    string? savedToken;

    [OneTimeSetUp]
    public void ForgetToken()
    {
        savedToken = Environment.GetEnvironmentVariable("GITHUB_TOKEN");
        Environment.SetEnvironmentVariable("GITHUB_TOKEN", null);
    }

    [OneTimeTearDown]
    public void RestoreToken() => Environment.SetEnvironmentVariable("GITHUB_TOKEN", savedToken);

    [TestCase(new[] { "--org", "course-2025" }, "--org and --prefix go together, e.g. --org my-course --prefix hw3-attention-")]
    [TestCase(new[] { "--prefix", "hw3-attention-" }, "--org and --prefix go together")]
    [TestCase(new[] { "--org", "course-2025", "--prefix", "hw3-attention-" }, "--org needs a GitHub token: pass --token or set GITHUB_TOKEN")]
    [TestCase(new[] { "--classroom-assignment", "731" }, "--classroom-assignment needs a GitHub token: pass --token or set GITHUB_TOKEN")]
    [TestCase(new[] { "--classroom-assignment", "0", "--token", "t" }, "--classroom-assignment must be an assignment id, not 0")]
    [TestCase(new[] { "--org", "o", "--prefix", "p", "--token", "t", "--api-url", "not a url" }, "--api-url must be an http(s) URL, not 'not a url'")]
    [TestCase(new[] { "--org", "o", "--prefix", "p", "--classroom-assignment", "731" }, "give one source of submissions, not --org and --classroom-assignment")]
    public void Given_github_source_options_that_cannot_work_When_batch_is_run_Then_it_exits_2_saying_why(string[] options, string message)
    {
        var (exitCode, output) = CourseCli.Run(["batch", Hw3Files.Assignment, .. options]);

        Assert.That(exitCode, Is.EqualTo(2), output);
        Assert.That(output.Replace("\n", " "), Does.Contain(message));
    }
}
