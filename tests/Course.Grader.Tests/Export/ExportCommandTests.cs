using Course.Cli;
using Course.Grader.Export;
using Course.Grader.Tests.Authoring;
using Course.Grader.Tests.Cli;
using Course.Grader.Tests.Pipeline;
using Course.Tests.Shared;
using Snapshooter.NUnit;

namespace Course.Grader.Tests.Export;

/// <summary>`course export` as an instructor runs it: what it says, and exit code 2 for an assignment or folder it cannot use.</summary>
public class ExportCommandTests
{
    TempFolder temp = null!;

    [SetUp]
    public void CreateTemp() => temp = new TempFolder("course-export-");

    [TearDown]
    public void DeleteTemp() => temp.Dispose();

    [Test]
    public void Given_a_new_folder_When_exported_Then_it_exits_0_writes_the_template_and_says_what_is_where()
    {
        var outDir = temp["template"];

        var (exitCode, output) = CourseCli.Run("export", Hw3Submissions.Assignment, "--out", outDir);

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(File.Exists(Path.Combine(outDir, StudentRepo.WorkflowPath)), Is.True);
        Assert.That(File.Exists(Path.Combine(outDir, "Hw3.Attention", "CausalMask.cs")), Is.True);
        var fileCount = Directory.EnumerateFiles(outDir, "*", SearchOption.AllDirectories).Count();
        Snapshot.Match(output.Replace(outDir, "<out>").Replace($"({fileCount} files)", "(<n> files)"));
    }

    [Test]
    public void Given_an_unknown_assignment_When_exported_Then_it_exits_2_and_writes_nothing()
    {
        var (exitCode, output) = CourseCli.Run("export", "hw9-nope", "--out", temp["template"]);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output, Does.Contain("unknown assignment 'hw9-nope'"));
        Assert.That(Directory.Exists(temp["template"]), Is.False);
    }

    [Test]
    public void Given_no_out_folder_When_exported_Then_it_exits_2_asking_for_one()
    {
        var (exitCode, output) = CourseCli.Run("export", Hw3Submissions.Assignment);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output, Does.Contain("--out is required"));
    }

    [Test]
    public void Given_a_folder_with_files_and_no_force_When_exported_Then_it_exits_2_and_leaves_them_alone()
    {
        var outDir = Directory.CreateDirectory(temp["template"]).FullName;
        File.WriteAllText(Path.Combine(outDir, "notes.txt"), "mine");

        var (exitCode, output) = CourseCli.Run("export", Hw3Submissions.Assignment, "--out", outDir);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output, Does.Contain("is not empty; pass --force"));
        Assert.That(Directory.EnumerateFileSystemEntries(outDir).Select(Path.GetFileName), Is.EqualTo(new[] { "notes.txt" }));
    }

    [Test]
    public void Given_a_clone_of_the_template_repo_and_force_When_exported_again_Then_its_files_are_replaced_and_its_git_folder_kept()
    {
        var outDir = temp["template"];
        Assert.That(CourseCli.Run("export", Hw3Submissions.Assignment, "--out", outDir).ExitCode, Is.EqualTo(0));
        Directory.CreateDirectory(Path.Combine(outDir, ".git"));
        File.WriteAllText(Path.Combine(outDir, ".git", "HEAD"), "ref: refs/heads/main\n");
        File.WriteAllText(Path.Combine(outDir, "Stale.cs"), "// from an older export");
        File.WriteAllText(Path.Combine(outDir, "Hw3.Attention", "CausalMask.cs"), "// edited");

        var (exitCode, output) = CourseCli.Run("export", Hw3Submissions.Assignment, "--out", outDir, "--force");

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(File.ReadAllText(Path.Combine(outDir, ".git", "HEAD")), Is.EqualTo("ref: refs/heads/main\n"));
        Assert.That(File.Exists(Path.Combine(outDir, "Stale.cs")), Is.False);
        Assert.That(File.ReadAllText(Path.Combine(outDir, "Hw3.Attention", "CausalMask.cs")),
            Is.EqualTo(File.ReadAllText(Path.Combine(Hw3Submissions.StarterProject, "CausalMask.cs"))));
    }

    [Test]
    public void Given_the_course_repo_itself_even_with_force_When_exported_Then_it_exits_2_and_deletes_nothing()
    {
        using var repo = ThrowawayCourseRepo();
        var before = Directory.EnumerateFileSystemEntries(repo.Root, "*", SearchOption.AllDirectories).Count();

        var (exitCode, output) = Course(repo, "export", "hw0-demo", "--out", repo.Root, "--force");

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output, Does.Contain("holds the course repo"));
        Assert.That(Directory.EnumerateFileSystemEntries(repo.Root, "*", SearchOption.AllDirectories).Count(), Is.EqualTo(before));
    }

    [Test]
    public void Given_a_folder_inside_the_starter_When_exported_Then_it_exits_2_naming_the_folder_it_reads()
    {
        using var repo = ThrowawayCourseRepo();
        var inside = repo.PathOf("starter/hw0-demo/template");

        var (exitCode, output) = Course(repo, "export", "hw0-demo", "--out", inside, "--force");

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output, Does.Contain("is inside starter/"));
        Assert.That(Directory.Exists(inside), Is.False);
    }

    [Test]
    public void Given_a_starter_out_of_date_with_the_reference_When_exported_Then_it_exits_1_asking_for_a_sync_and_writes_nothing()
    {
        using var repo = new TempCourseRepo()
            .Write("reference/hw0-demo/Hw0/Counter.cs", "class Counter\n{\n    int Count()\n    {\n        // BEGIN SOLUTION\n        return 1;\n        // END SOLUTION\n    }\n}\n")
            .Write("reference/hw0-demo/Hw0.Tests/CounterTests.cs", "class CounterTests {}\n")
            .Write("starter/hw0-demo/Hw0/Counter.cs", "class Counter {}\n")
            .Write("assignments/hw0-demo/tests/HiddenCounterTests.cs", "class HiddenCounterTests {}\n")
            .Write("assignments/hw0-demo/handout.md", "# Counting\n")
            .Write("assignments/hw0-demo/assignment.yaml", "id: hw0-demo\ntitle: Counting\nproject: Hw0\npublic_tests: Hw0.Tests\nhidden_tests: tests\nstudent_files: [Counter.cs]\n");
        var outDir = temp["template"];

        var (exitCode, output) = Course(repo, "export", "hw0-demo", "--out", outDir);

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(output, Does.Contain("starter/hw0-demo is out of date").And.Contain("run `course sync hw0-demo` first"));
        Assert.That(Directory.Exists(outDir), Is.False);
    }

    /// <summary>The folder checks come before anything is read, so a bare repo serves, and a check that failed would cost nothing.</summary>
    static TempCourseRepo ThrowawayCourseRepo() => new TempCourseRepo()
        .Write("assignments/hw0-demo/assignment.yaml", "id: hw0-demo\n")
        .Write("starter/hw0-demo/Hw0/Counter.cs", "class Counter {}\n");

    static (int ExitCode, string Output) Course(TempCourseRepo repo, params string[] args) =>
        ConsoleApps.Run(CourseApp.Run, [.. args, "--root", repo.Root], width: null);
}
