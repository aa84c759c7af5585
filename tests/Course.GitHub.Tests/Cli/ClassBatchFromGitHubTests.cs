using System.Diagnostics;
using Course.GitHub.Tests.Batch;
using Course.GitHub.Tests.Fake;
using Course.Gradebook;
using Course.Grader.Batch;

namespace Course.GitHub.Tests.Cli;

/// <summary>
/// `course batch` grades the whole class of 2025 end to end, once from the org (--org --prefix) and once from GitHub
/// Classroom's accepted assignments (--classroom-assignment), each into its own gradebook (public tests only, two at a time).
/// </summary>
[NonParallelizable]
public class ClassBatchFromGitHubTests
{
    static readonly string[] FullMarks = ["alice", "mallory", "trent", "victor", "xavier", "yolanda", "zoe"];
    static readonly string[] PartialMarks = ["bob", "dave", "erin", "frank", "oscar", "peggy", "walter"];

    ClassOf2025 course = null!;
    string folder = "";
    string orgOutput = "", classroomOutput = "";
    int orgExit, classroomExit;
    IReadOnlyList<GradebookEntry> fromOrg = null!, fromClassroom = null!;
    TimeSpan orgTime, classroomTime;

    [OneTimeSetUp]
    public void GradeTheClassFromBothSources()
    {
        // A class of its own: SharedClass belongs to the Batch namespace and is disposed when its tests end.
        course = new ClassOf2025();
        folder = Directory.CreateTempSubdirectory("course-github-class-batch-").FullName;
        var extensions = Path.Combine(folder, "extensions.csv");
        File.WriteAllText(extensions, "student,deadline\nmallory,2025-03-02T23:59:00Z\n");
        string[] common = ["--token", FakeGitHub.Token, "--api-url", course.GitHub.ApiUrl.AbsoluteUri, "--deadline", "2025-03-01T23:59:00Z",
            "--extensions", extensions, "--public-only", "--jobs", "2"];

        var clock = Stopwatch.StartNew();
        (orgExit, orgOutput) = CourseCli.Run(["batch", Hw3Files.Assignment, "--org", ClassOf2025.Org, "--prefix", ClassOf2025.Prefix, .. common,
            "--gradebook", Path.Combine(folder, "org.db")]);
        orgTime = clock.Elapsed;
        clock.Restart();
        (classroomExit, classroomOutput) = CourseCli.Run(["batch", Hw3Files.Assignment, "--classroom-assignment", ClassOf2025.ClassroomAssignmentId.ToString(), .. common,
            "--gradebook", Path.Combine(folder, "classroom.db")]);
        classroomTime = clock.Elapsed;
        TestContext.Progress.WriteLine($"class batch: org {orgTime.TotalSeconds:F0} s, classroom {classroomTime.TotalSeconds:F0} s");

        using (var gradebook = SqliteGradebook.Open(Path.Combine(folder, "org.db"))) fromOrg = gradebook.History(Hw3Files.Assignment);
        using (var gradebook = SqliteGradebook.Open(Path.Combine(folder, "classroom.db"))) fromClassroom = gradebook.History(Hw3Files.Assignment);
    }

    [OneTimeTearDown]
    public void DeleteGradebooks()
    {
        course?.Dispose();
        if (folder != "") Directory.Delete(folder, recursive: true);
    }

    static GradebookEntry Grade(IReadOnlyList<GradebookEntry> rows, string student) => rows.Single(e => e.Student == student);

    static IEnumerable<object[]> Sources() => [["org"], ["classroom"]];

    (int Exit, string Output, IReadOnlyList<GradebookEntry> Rows) Source(string name) =>
        name == "org" ? (orgExit, orgOutput, fromOrg) : (classroomExit, classroomOutput, fromClassroom);

    [TestCaseSource(nameof(Sources))]
    public void Given_the_class_When_batch_graded_Then_every_student_has_one_row_and_no_grader_error(string source)
    {
        var (exit, output, rows) = Source(source);
        string[] students = source == "org"
            ? ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "oscar", "peggy", "team-rocket", "trent", "victor", "walter", "xavier", "yolanda", "zoe"]
            : ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "nadia", "oscar", "peggy", "rupert+sybil", "trent", "victor", "yolanda", "zoe"];

        Assert.That(exit, Is.Zero, output);
        Assert.That(rows.Select(e => e.Student), Is.EquivalentTo(students), output);
        Assert.That(rows.Select(e => e.Student), Is.Unique);
        Assert.That(rows.Where(e => e.Status == EntryStatus.Error).Select(e => $"{e.Student}: {e.Message}"), Is.Empty);
        Assert.That(orgTime + classroomTime, Is.LessThan(TimeSpan.FromMinutes(6)), "both batches together");
    }

    [TestCaseSource(nameof(Sources))]
    public void Given_the_class_When_batch_graded_Then_each_grade_is_what_its_code_earns(string source)
    {
        var rows = Source(source).Rows;
        var max = Grade(rows, "alice").MaxScore;
        Assert.That(max, Is.Positive);
        foreach (var student in FullMarks.Where(s => rows.Any(e => e.Student == s)))
            Assert.That((student, Grade(rows, student).Status, Grade(rows, student).Score), Is.EqualTo((student, EntryStatus.Graded, max)));
        var partial = Grade(rows, "bob").Score;
        Assert.That(partial, Is.InRange(1, max - 1));
        foreach (var student in PartialMarks.Where(s => rows.Any(e => e.Student == s)))
            Assert.That((student, Grade(rows, student).Status, Grade(rows, student).Score), Is.EqualTo((student, EntryStatus.Graded, partial)));
        var team = Grade(rows, source == "org" ? "team-rocket" : "rupert+sybil");
        Assert.That(team.Score, Is.EqualTo(partial));

        var carol = Grade(rows, "carol");
        Assert.That((carol.Status, carol.Score), Is.EqualTo((EntryStatus.CompileError, 0.0)));
    }

    [TestCaseSource(nameof(Sources))]
    public void Given_a_late_push_When_batch_graded_Then_the_student_is_flagged_late_and_graded_at_the_on_time_commit(string source)
    {
        var rows = Source(source).Rows;
        var dave = Grade(rows, "dave");
        Assert.That((dave.Late, dave.Commit), Is.EqualTo((true, course.Sha("dave", "partial"))));
        var erin = Grade(rows, "erin");
        Assert.That((erin.Late, erin.Commit), Is.EqualTo((true, course.Sha("erin", "partial"))), "the forged date does not count");
        var mallory = Grade(rows, "mallory");
        Assert.That((mallory.Late, mallory.Commit), Is.EqualTo((false, course.Sha("mallory", "reference"))), "on time by her extension");
        Assert.That(Grade(rows, "alice").Late, Is.False);
    }

    [TestCaseSource(nameof(Sources))]
    public void Given_a_corrupt_tarball_When_batch_graded_Then_it_is_a_zero_row_and_no_grader_error(string source)
    {
        var grace = Grade(Source(source).Rows, "grace");
        Assert.That(grace.Status, Is.Not.EqualTo(EntryStatus.Error));
        Assert.That(grace.Score, Is.Zero);
        Assert.That(grace.Message, Does.Contain("could not be fetched"));
    }

    [Test]
    public void Given_both_sources_Then_they_agree_on_each_students_commit_and_score()
    {
        static string Key(string student) => student == "rupert+sybil" ? "team-rocket" : student;
        var org = fromOrg.ToDictionary(e => e.Student);
        var classroom = fromClassroom.Where(e => org.ContainsKey(Key(e.Student))).ToList();
        Assert.That(classroom, Has.Count.GreaterThanOrEqualTo(17));
        foreach (var row in classroom)
        {
            var other = org[Key(row.Student)];
            Assert.That((row.Commit, row.Score, row.MaxScore, row.Status, row.Late), Is.EqualTo((other.Commit, other.Score, other.MaxScore, other.Status, other.Late)), row.Student);
        }
    }
}
