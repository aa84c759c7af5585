using Course.GitHub.Tests.Fake;

namespace Course.GitHub.Tests.Cli;

/// <summary>
/// `course batch --org ... --post` end to end on a small fake org: one student graded for real (public tests only) and
/// the grade posted back on the commit graded; one whose tarball is damaged and one with nothing by the deadline,
/// recorded without stopping the batch.
/// </summary>
[NonParallelizable]
public class BatchFromGitHubTests
{
    static readonly DateTimeOffset Deadline = new(2025, 3, 1, 23, 59, 0, TimeSpan.Zero);
    string folder = "";
    FakeGitHub github = null!;

    [SetUp]
    public void MakeOrg()
    {
        folder = Directory.CreateTempSubdirectory("course-github-batch-").FullName;
        github = new FakeGitHub();
        foreach (var student in new[] { "bob", "grace", "ivan" })
        {
            var repo = StudentRepo.Init(Path.Combine(folder, student));
            repo.Commit("Initial commit", Deadline.AddDays(-20), Hw3Files.Starter);
            var fake = github.AddRepository("small-course", $"hw3-attention-{student}", repo.Path);
            fake.RecordPush(student == "ivan" ? Deadline.AddDays(1) : Deadline.AddDays(-20), type: "branch_creation");
            repo.Commit("my work", Deadline.AddHours(-2), Hw3Files.Partial);
            fake.RecordPush(student == "ivan" ? Deadline.AddDays(2) : Deadline.AddHours(-2));
            fake.CorruptTarball = student == "grace";
        }
    }

    [TearDown]
    public void DeleteOrg()
    {
        github.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Test]
    public void Given_an_org_When_batch_graded_with_post_Then_each_student_is_recorded_and_the_graded_one_gets_a_check_run()
    {
        var (exitCode, output) = CourseCli.Run("batch", Hw3Files.Assignment, "--org", "small-course", "--prefix", "hw3-attention-",
            "--token", FakeGitHub.Token, "--api-url", github.ApiUrl.AbsoluteUri, "--deadline", "2025-03-01T23:59:00Z",
            "--public-only", "--jobs", "1", "--gradebook", Path.Combine(folder, "gradebook.db"), "--post");

        Assert.That(exitCode, Is.Zero, output);
        var graded = System.Text.RegularExpressions.Regex.Match(output, @"│ bob\s+│\s+(?<points>[\d.]+/[\d.]+)\s+│ graded");
        Assert.That(graded.Success, Is.True, output);
        var bob = github.Repository("small-course/hw3-attention-bob");
        Assert.That(bob.CheckRuns.Single().HeadSha, Is.EqualTo(bob.Pushes.Last().After));
        Assert.That(bob.CheckRuns.Single().Title, Is.EqualTo($"Points {graded.Groups["points"].Value}"));
        Assert.That(output, Does.Match(@"│ grace\s+│\s+0/0\s+│ no submission\s+│\s+│"));
        Assert.That(output, Does.Match(@"│ ivan\s+│\s+0/0\s+│ no submission\s+│ late\s+│"));
        Assert.That(github.Repository("small-course/hw3-attention-grace").CheckRuns, Is.Empty);
    }
}
