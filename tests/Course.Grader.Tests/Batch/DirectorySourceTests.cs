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
    public void Given_a_git_work_tree_When_listed_Then_its_commit_is_the_head_and_other_entries_have_none()
    {
        Assert.That(listed[Hw3Class.GitStudent].Commit, Is.EqualTo(Hw3Class.Head(Path.Combine(classFolder, Hw3Class.GitStudent))).And.Length.EqualTo(40));
        Assert.That(listed.Values.Where(s => s.Student != Hw3Class.GitStudent).Select(s => s.Commit), Has.All.Null);
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
