using System.Text.Json.Nodes;
using Course.GitHub.Tests.Fake;

namespace Course.GitHub.Tests.Cli;

/// <summary>
/// `course grade --post` end to end, grading a student's git repository for real (public tests only, to stay quick) and
/// publishing to a fake GitHub; when publishing fails, the console report and the --out files are there all the same.
/// </summary>
[NonParallelizable]
public class GradePostTests
{
    static readonly string[] ActionsVariables = ["GITHUB_ACTIONS", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_SHA", "GITHUB_API_URL"];
    readonly Dictionary<string, string?> savedEnvironment = [];
    string folder = "";
    StudentRepo repo = null!;
    FakeGitHub github = null!;
    FakeRepository fake = null!;

    /// <summary>The tests must not write into the step output of a CI job that runs them, nor take its token or repository.</summary>
    [OneTimeSetUp]
    public void LeaveGitHubActions()
    {
        foreach (var name in ActionsVariables)
        {
            savedEnvironment[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, null);
        }
        folder = Directory.CreateTempSubdirectory("course-github-cli-").FullName;
        repo = StudentRepo.Init(Path.Combine(folder, "hw3-attention-bob"));
        // The partial submission with the transformer not started: its stub is annotated.
        var work = new Dictionary<string, string>(Hw3Files.Partial) { ["Hw3.Attention/AttentionOnlyTransformer.cs"] = Hw3Files.Starter["Hw3.Attention/AttentionOnlyTransformer.cs"] };
        repo.Commit("half done", new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero), work);
    }

    [OneTimeTearDown]
    public void RestoreEnvironment()
    {
        foreach (var (name, value) in savedEnvironment) Environment.SetEnvironmentVariable(name, value);
        Directory.Delete(folder, recursive: true);
    }

    [SetUp]
    public void StartGitHub()
    {
        github = new FakeGitHub();
        fake = github.AddRepository("course-2025", "hw3-attention-bob", repo.Path);
        github.AddPullRequest(fake, "Feedback");
    }

    [TearDown]
    public void StopGitHub() => github.Dispose();

    string[] GradeAndPost(string outDir) =>
    [
        "grade", Hw3Files.Assignment, "--submission", repo.Path, "--public-only", "--out", outDir,
        "--post", "--token", FakeGitHub.Token, "--repo", "course-2025/hw3-attention-bob", "--api-url", github.ApiUrl.AbsoluteUri,
    ];

    [Test]
    public void Given_a_student_repository_When_graded_with_post_Then_the_check_run_and_comment_carry_the_score_of_the_local_report()
    {
        var outDir = Path.Combine(folder, "out-ok");

        var (exitCode, output) = CourseCli.Run(GradeAndPost(outDir));

        Assert.That(exitCode, Is.Zero, output);
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "report.json")))!;
        var points = $"{(double)report["score"]!:0.##}/{(double)report["max_score"]!:0.##}";
        var run = fake.CheckRuns.Single();
        Assert.Multiple(() =>
        {
            Assert.That(output, Does.Contain("Published to course-2025/hw3-attention-bob:").And.Contain("check run: https://github.com/course-2025/hw3-attention-bob/runs/"));
            Assert.That(run.HeadSha, Is.EqualTo(repo.Head));
            Assert.That(run.Title, Is.EqualTo($"Points {points}"));
            Assert.That(run.Conclusion, Is.EqualTo("neutral"));
            Assert.That(run.Annotations.Select(a => ((string)a["path"]!, (string)a["title"]!)), Has.Some.EqualTo(("Hw3.Attention/AttentionOnlyTransformer.cs", "still a stub")));
            Assert.That(fake.Comments.Single().Body, Does.StartWith("<!-- course-grade:hw3-attention -->").And.Contain($"{points} points"));
        });
    }

    [Test]
    public void Given_a_token_that_may_not_write_checks_When_graded_with_post_Then_it_exits_3_saying_why_with_the_report_still_written()
    {
        github.Fail(FakeFailure.Forbidden, when: r => r.Path.EndsWith("/check-runs", StringComparison.Ordinal));
        var outDir = Path.Combine(folder, "out-forbidden");

        var (exitCode, output) = CourseCli.Run(GradeAndPost(outDir));

        Assert.That(exitCode, Is.EqualTo(3), output);
        Assert.That(output, Does.Match(@"Score: \d+(\.\d+)?/\d+"), "the console report comes first");
        Assert.That(output, Does.Contain("error: --post: GitHub forbade creating the check run on course-2025/hw3-attention-bob@")
            .And.Contain("(403 Resource not accessible by integration): the token lacks the permission for it."));
        Assert.That(Directory.GetFiles(outDir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "report.json", "classroom.json", "results.json", "junit.xml", "summary.md" }));
        Assert.That(fake.CheckRuns, Is.Empty);
    }
}
