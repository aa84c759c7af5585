using Course.GitHub.Batch;
using Course.GitHub.Tests.Fake;
using Course.Grader.Batch;
using Course.Grader.Workspace;

namespace Course.GitHub.Tests.Batch;

/// <summary>
/// Fetching a listed submission: the tarball of the graded commit, unpacked safely into scratch as a folder the grader
/// reads. A damaged tarball, a commit that is gone or nothing to grade is the student's problem (a SubmissionException);
/// GitHub out of reach is the grader's.
/// </summary>
public class FetchTests
{
    ClassOf2025 course = null!;
    IReadOnlyDictionary<string, StudentSubmission> listed = null!;
    string scratch = "";

    [OneTimeSetUp]
    public async Task ListClass()
    {
        course = SharedClass.Course;
        listed = (await Source().ListAsync(course.Policy, CancellationToken.None)).ToDictionary(s => s.Student);
    }

    [SetUp]
    public void MakeScratch()
    {
        scratch = Directory.CreateTempSubdirectory("course-github-fetch-").FullName;
        course.GitHub.StopFailing();
    }

    [TearDown]
    public void DeleteScratch() => Directory.Delete(scratch, recursive: true);

    OrgSource Source() => new(GitHubApi.Connect(FakeGitHub.Token, course.GitHub.ApiUrl), ClassOf2025.Org, ClassOf2025.Prefix);

    [Test]
    public async Task Given_an_on_time_commit_When_fetched_Then_its_files_are_unpacked_under_GitHubs_top_folder_and_the_workspace_takes_them()
    {
        var alice = listed["alice"];

        var folder = await Source().FetchAsync(alice, scratch, CancellationToken.None);

        var top = $"course-2025-hw3-attention-alice-{alice.Commit![..7]}";
        Assert.That(Directory.GetDirectories(folder).Select(Path.GetFileName), Is.EqualTo(new[] { top }));
        Assert.That(File.ReadAllText(Path.Combine(folder, top, "Hw3.Attention", "Attention.cs")), Is.EqualTo(Hw3Files.Reference["Hw3.Attention/Attention.cs"]));
        Assert.That(Submission.Parse(folder).Kind, Is.EqualTo(SubmissionKind.Folder));
        var workspace = WorkspaceStage.Build(Hw3Files.Manifest, Path.Combine(Hw3Files.Layout.StarterDir(Hw3Files.Assignment), Hw3Files.Manifest.Project), folder);
        Assert.That(workspace.MissingFiles, Is.Empty);
        Assert.That(workspace.Notes, Does.Contain($"Graded the files in {top}/Hw3.Attention/."));
    }

    [TestCase("..")]
    [TestCase(".")]
    public async Task Given_a_student_named_by_dots_When_fetched_Then_the_tarball_is_unpacked_inside_scratch_and_nothing_outside_it_is_touched(string student)
    {
        // An org's student is the repository's name less the prefix, so a repository named hw3-attention-.. is the
        // student "..": the folder the tarball was unpacked into was scratch/.., which was deleted first, whole.
        var parent = Directory.CreateTempSubdirectory("course-github-fetch-parent-").FullName;
        var inner = Directory.CreateDirectory(Path.Combine(parent, "scratch")).FullName;
        var sentinel = Path.Combine(parent, "another-grade.txt");
        File.WriteAllText(sentinel, "kept");
        try
        {
            var folder = await Source().FetchAsync(listed["alice"] with { Student = student }, inner, CancellationToken.None);

            Assert.That(File.ReadAllText(sentinel), Is.EqualTo("kept"));
            Assert.That(Path.GetFullPath(folder), Does.StartWith(inner + Path.DirectorySeparatorChar));
            Assert.That(Directory.GetFileSystemEntries(parent).Select(Path.GetFileName), Is.EquivalentTo(new[] { "scratch", "another-grade.txt" }));
            Assert.That(Directory.GetFiles(folder, "Attention.cs", SearchOption.AllDirectories), Has.Length.EqualTo(1));
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }

    /// <summary>
    /// Octokit reads a response whole into memory: a repository of a few GB (files under GitHub's 100 MB limit) was held by
    /// the grader's own process, twice over, for each submission in flight, though no tarball past 64 MiB can be unpacked.
    /// </summary>
    [Test]
    public async Task Given_a_tarball_larger_than_the_cap_When_fetched_Then_it_is_the_students_problem_after_reading_no_more_than_the_cap()
    {
        using var github = new FakeGitHub(); // its own, so the shared class's listing stays as its tests expect
        var repo = StudentRepo.Init(Path.Combine(scratch, "big-repo"));
        var noise = new byte[768 << 10];
        new Random(7).NextBytes(noise);
        var head = repo.Commit("data", ClassOf2025.Deadline.AddDays(-1), new Dictionary<string, string>(Hw3Files.Reference) { ["data.txt"] = Convert.ToBase64String(noise) });
        github.AddRepository(ClassOf2025.Org, ClassOf2025.Prefix + "big-data", repo.Path);
        var big = listed["alice"] with { Student = "big-data", Repository = $"{ClassOf2025.Org}/{ClassOf2025.Prefix}big-data", Commit = head };
        OrgSource Capped(long bytes) => new(GitHubApi.Connect(FakeGitHub.Token, github.ApiUrl, maxResponseBytes: bytes), ClassOf2025.Org, ClassOf2025.Prefix);

        var failure = await Assert.ThrowsAsync<SubmissionException>(() => Capped(256 << 10).FetchAsync(big, Path.Combine(scratch, "fetch"), CancellationToken.None));
        var folder = await Capped(GitHubApi.DefaultMaxResponseBytes).FetchAsync(big, Path.Combine(scratch, "fetch"), CancellationToken.None);

        Assert.That(failure!.Message, Is.EqualTo($"the tarball of {big.Repository}@{head[..12]} is larger than 256 KiB, far more than a submission holds: " +
            "keep data sets, models and builds out of the repository"));
        Assert.That(Directory.GetFiles(folder, "data.txt", SearchOption.AllDirectories), Has.Length.EqualTo(1), "under the default cap it unpacks");
    }

    [Test]
    public async Task Given_a_late_student_When_fetched_Then_the_commit_graded_is_the_one_before_the_deadline_not_the_head()
    {
        var folder = await Source().FetchAsync(listed["dave"], scratch, CancellationToken.None);

        var attention = Directory.GetFiles(folder, "Attention.cs", SearchOption.AllDirectories).Single();
        Assert.That(File.ReadAllText(attention), Is.EqualTo(Hw3Files.Partial["Hw3.Attention/Attention.cs"]));
    }

    [Test]
    public async Task Given_a_damaged_tarball_When_fetched_Then_it_is_the_students_SubmissionException()
    {
        var failure = await Assert.ThrowsAsync<SubmissionException>(() => Source().FetchAsync(listed["grace"], scratch, CancellationToken.None));

        Assert.That(failure!.Message, Does.StartWith($"the tarball of course-2025/hw3-attention-grace@{listed["grace"].Commit![..12]} is unusable: the tar.gz archive is damaged"));
    }

    [Test]
    public async Task Given_a_student_with_nothing_to_grade_When_fetched_Then_the_problem_is_the_SubmissionException()
    {
        var failure = await Assert.ThrowsAsync<SubmissionException>(() => Source().FetchAsync(listed["ivan"], scratch, CancellationToken.None));

        Assert.That(failure!.Message, Is.EqualTo(listed["ivan"].Problem));
    }

    [Test]
    public async Task Given_a_commit_that_is_gone_When_fetched_Then_it_is_a_SubmissionException()
    {
        var gone = listed["bob"] with { Commit = new string('e', 40) };

        var failure = await Assert.ThrowsAsync<SubmissionException>(() => Source().FetchAsync(gone, scratch, CancellationToken.None));

        Assert.That(failure!.Message, Does.Contain("is not there any more"));
    }

    [Test]
    public async Task Given_GitHub_out_of_reach_When_fetched_Then_it_is_the_graders_network_failure_not_the_students()
    {
        course.GitHub.Fail(FakeFailure.DropConnection);

        var failure = await Assert.ThrowsAsync<GitHubFailure>(() => Source().FetchAsync(listed["bob"], scratch, CancellationToken.None));

        Assert.That(failure!.Kind, Is.EqualTo(GitHubFailureKind.Network));
    }
}
