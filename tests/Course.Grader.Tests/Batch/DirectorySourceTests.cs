using Course.Grader.Batch;
using Course.Grader.Tests.Pipeline;

namespace Course.Grader.Tests.Batch;

/// <summary>A folder of LMS downloads listed as submissions: who, which file, when, late or not. Nothing is graded here.</summary>
public class DirectorySourceTests
{
    TempFolder temp = null!;
    string classFolder = null!;
    IReadOnlyDictionary<string, StudentSubmission> listed = null!;

    [OneTimeSetUp]
    public async Task ListTheClass()
    {
        temp = new TempFolder();
        classFolder = Hw3Class.Build(temp["class"]);
        listed = (await new DirectorySource(classFolder).ListAsync(Hw3Class.Policy, CancellationToken.None)).ToDictionary(s => s.Student);
    }

    [OneTimeTearDown]
    public void DeleteTemp() => temp.Dispose();

    [Test]
    public void Given_folders_and_archives_When_listed_Then_each_is_a_student_named_after_it_and_stray_files_are_ignored()
    {
        Assert.That(listed.Keys, Is.EqualTo(Hw3Class.Students), "sorted by name; index.html is no student");
        Assert.That(listed["alice"].Repository, Is.EqualTo(Path.Combine(classFolder, "alice")));
        Assert.That(listed["carol"].Repository, Is.EqualTo(Path.Combine(classFolder, "carol.zip")));
        Assert.That(listed["dave"].Repository, Is.EqualTo(Path.Combine(classFolder, "dave.tar.gz")));
        Assert.That(listed.Values.Where(s => s.Student != Hw3Class.UploadedTwice).Select(s => s.Problem), Has.All.Null);
    }

    [Test]
    public void Given_file_times_When_listed_Then_the_time_is_the_newest_file_and_late_means_after_the_students_deadline()
    {
        Assert.That(listed["alice"].SubmittedAt, Is.EqualTo(Hw3Class.OnTime));
        Assert.That(listed["alice"].TimeSource, Is.EqualTo(SubmissionTimeSource.FileTime));
        Assert.That(listed[Hw3Class.LateStudent].SubmittedAt, Is.EqualTo(Hw3Class.LateTime));
        Assert.That(listed.Values.Where(s => s.Late).Select(s => s.Student), Is.EqualTo(new[] { Hw3Class.LateStudent }),
            "grace uploaded a day late too, but has an extension");
        Assert.That(listed["grace"].SubmittedAt, Is.EqualTo(Hw3Class.LateTime));
        Assert.That(listed.Values.Select(s => s.LaterPushes), Has.All.Zero);
    }

    [Test]
    public async Task Given_no_extension_When_listed_Then_the_late_upload_with_an_extension_is_late_too()
    {
        var withoutExtensions = await new DirectorySource(classFolder).ListAsync(new DeadlinePolicy(Hw3Class.Deadline, new Dictionary<string, DateTimeOffset>()), CancellationToken.None);

        Assert.That(withoutExtensions.Where(s => s.Late).Select(s => s.Student), Is.EqualTo(new[] { Hw3Class.LateStudent, "grace" }));
    }

    [Test]
    public async Task Given_no_deadline_When_listed_Then_nobody_is_late()
    {
        var undated = await new DirectorySource(classFolder).ListAsync(DeadlinePolicy.None, CancellationToken.None);

        Assert.That(undated.Select(s => s.Late), Has.All.False);
    }

    [Test]
    public async Task Given_a_file_dated_past_the_year_9999_When_listed_Then_that_student_has_no_time_and_the_others_are_listed()
    {
        // tmpfs holds such a time, as an archive's entries can; .NET's dates cannot (a red team, stop 60).
        Assume.That(Directory.Exists("/dev/shm"), "a tmpfs at /dev/shm, as Linux has");
        var shm = Directory.CreateDirectory(Path.Combine("/dev/shm", $"course-listing-{Guid.NewGuid():N}")).FullName;
        Dictionary<string, StudentSubmission> students;
        try
        {
            File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(shm, "alice")).FullName, "Bigram.cs"), "// on time");
            var far = Path.Combine(Directory.CreateDirectory(Path.Combine(shm, "mallory")).FullName, "Bigram.cs");
            File.WriteAllText(far, "// from the future");
            System.Diagnostics.Process.Start("touch", ["-d", "@300000000000", far])!.WaitForExit();

            students = (await new DirectorySource(shm).ListAsync(Hw3Class.Policy, CancellationToken.None)).ToDictionary(s => s.Student);
        }
        finally
        {
            Directory.Delete(shm, recursive: true);
        }

        Assert.That(students.Keys, Is.EqualTo(new[] { "alice", "mallory" }));
        Assert.That((students["mallory"].SubmittedAt, students["mallory"].TimeSource, students["mallory"].Problem), Is.EqualTo(((DateTimeOffset?)null, SubmissionTimeSource.None, (string?)null)));
        Assert.That(students["alice"].TimeSource, Is.EqualTo(SubmissionTimeSource.FileTime));
    }

    [Test]
    public void Given_a_git_work_tree_When_listed_Then_its_commit_is_the_head_and_other_entries_have_none()
    {
        Assert.That(listed[Hw3Class.GitStudent].Commit, Is.EqualTo(Hw3Class.Head(Path.Combine(classFolder, Hw3Class.GitStudent))).And.Length.EqualTo(40));
        Assert.That(listed.Values.Where(s => s.Student != Hw3Class.GitStudent).Select(s => s.Commit), Has.All.Null);
    }

    [Test]
    public void Given_a_git_work_tree_When_listed_Then_the_time_is_its_commits_committer_date()
    {
        Assert.That((listed[Hw3Class.GitStudent].SubmittedAt, listed[Hw3Class.GitStudent].TimeSource), Is.EqualTo(((DateTimeOffset?)Hw3Class.CommittedAt, SubmissionTimeSource.Committed)));
        Assert.That(listed[Hw3Class.GitStudent].SubmittedAt!.Value.Offset, Is.EqualTo(TimeSpan.FromHours(-5)), "the committer's own offset");
    }

    [Test]
    public async Task Given_a_packed_repository_a_manifest_and_plain_uploads_When_listed_Then_each_time_says_where_it_came_from()
    {
        var folder = temp["sources"];
        var packedAt = new DateTimeOffset(2025, 2, 26, 7, 5, 9, TimeSpan.FromHours(5.5));
        var packed = Hw3Class.GitWorkTree(Hw3Class.PartialWork(Path.Combine(folder, "packed")), packedAt);
        Hw3Class.Git(packed, "gc", "--quiet");
        var head = Hw3Class.Head(packed);
        Assert.That(File.Exists(Path.Combine(packed, ".git", "objects", head[..2], head[2..])), Is.False, "the commit is only in a pack");
        Hw3Class.Folder(Hw3Class.PartialWork(Path.Combine(folder, "plain")), Hw3Class.OnTime);
        Hw3Class.Folder(Hw3Class.PartialWork(Path.Combine(folder, "listed")), Hw3Class.OnTime);
        var listedGit = Hw3Class.GitWorkTree(Hw3Class.PartialWork(Path.Combine(folder, "listedgit")));
        File.WriteAllText(Path.Combine(folder, DirectorySource.ManifestName),
            "student,submitted_at,commit\nlisted,2025-02-28T23:59:30-05:00,0123456789abcdef0123456789abcdef01234567\nlistedgit,2025-03-02T10:00:00Z,\n");

        var sources = (await new DirectorySource(folder).ListAsync(Hw3Class.Policy, CancellationToken.None)).ToDictionary(s => s.Student);

        Assert.That(sources.Keys, Is.EqualTo(new[] { "listed", "listedgit", "packed", "plain" }), "the manifest is no student");
        Assert.That((sources["packed"].SubmittedAt, sources["packed"].TimeSource, sources["packed"].Commit),
            Is.EqualTo(((DateTimeOffset?)packedAt, SubmissionTimeSource.Committed, head)));
        Assert.That((sources["plain"].SubmittedAt, sources["plain"].TimeSource, sources["plain"].Commit),
            Is.EqualTo(((DateTimeOffset?)Hw3Class.OnTime, SubmissionTimeSource.FileTime, (string?)null)));
        Assert.That((sources["listed"].SubmittedAt, sources["listed"].TimeSource, sources["listed"].Commit, sources["listed"].Late),
            Is.EqualTo(((DateTimeOffset?)new DateTimeOffset(2025, 3, 1, 4, 59, 30, TimeSpan.Zero), SubmissionTimeSource.Manifest, "0123456789abcdef0123456789abcdef01234567", true)));
        Assert.That((sources["listedgit"].TimeSource, sources["listedgit"].Commit), Is.EqualTo((SubmissionTimeSource.Manifest, Hw3Class.Head(listedGit))),
            "the instructor's manifest outranks a date the student's clock set; the commit is still the graded HEAD");
    }

    [TestCase("name,time\nalice,2025-03-01T00:00:00Z\n", "the first line must be")]
    [TestCase("student,submitted_at\nalice,yesterday\n", "line 2")]
    [TestCase("student,submitted_at\nalice,2025-03-01T00:00:00Z\nalice,2025-03-01T00:00:00Z\n", "alice is listed twice")]
    public void Given_a_manifest_that_does_not_parse_When_listed_Then_it_throws_saying_where(string manifest, string problem)
    {
        var folder = temp[$"bad-manifest-{Guid.NewGuid():n}"];
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, DirectorySource.ManifestName), manifest);

        Assert.That(() => new DirectorySource(folder).ListAsync(DeadlinePolicy.None, CancellationToken.None),
            Throws.TypeOf<FormatException>().With.Message.Contains(problem));
    }

    [Test]
    public void Given_a_student_with_a_folder_and_a_zip_When_listed_Then_the_submission_names_the_problem_instead_of_guessing()
    {
        var twice = listed[Hw3Class.UploadedTwice];

        Assert.That(twice.Problem, Is.EqualTo("more than one submission: ivan, ivan.zip"));
    }

    [Test]
    public async Task Given_a_listed_archive_When_fetched_Then_it_is_the_download_itself()
    {
        var fetched = await new DirectorySource(classFolder).FetchAsync(listed["carol"], temp["scratch"], CancellationToken.None);

        Assert.That(fetched, Is.EqualTo(Path.Combine(classFolder, "carol.zip")));
    }

    [Test]
    public void Given_a_folder_that_does_not_exist_When_listed_Then_it_throws_naming_it()
    {
        var missing = temp["no-such-class"];

        Assert.That(() => new DirectorySource(missing).ListAsync(DeadlinePolicy.None, CancellationToken.None),
            Throws.TypeOf<DirectoryNotFoundException>().With.Message.Contains(missing));
    }
}
