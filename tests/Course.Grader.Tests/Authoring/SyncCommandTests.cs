using Course.Tests.Shared;
using Snapshooter.NUnit;

namespace Course.Grader.Tests.Authoring;

public class SyncCommandTests
{
    private TempCourseRepo repo = null!;

    [SetUp]
    public void CreateRepo() => repo = new TempCourseRepo()
        .Write("reference/hw0-demo/Hw0/Counter.cs", "class Counter\n{\n    int Count()\n    {\n        // BEGIN SOLUTION\n        return 1;\n        // END SOLUTION\n    }\n}\n")
        .Write("reference/hw0-demo/Hw0/notes.txt", "kept as is\n")
        .Write("reference/hw1-other/Hw1/Empty.cs", "class Empty {}\n");

    [TearDown]
    public void DeleteRepo() => repo.Dispose();

    private (int ExitCode, string Output) Course(params string[] args) => ConsoleApps.Course(repo.Root, args, width: null);

    [Test]
    public void Given_no_starter_When_checked_Then_it_exits_1_and_lists_the_missing_files()
    {
        var (exitCode, output) = Course("sync", "hw0-demo", "--check");

        Assert.That(exitCode, Is.EqualTo(1));
        Snapshot.Match(output);
        Assert.That(repo.Exists("starter/hw0-demo/Hw0/Counter.cs"), Is.False, "--check must not write");
    }

    [Test]
    public void Given_a_stale_starter_When_synced_Then_it_exits_0_and_a_later_check_exits_0()
    {
        var (syncCode, syncOutput) = Course("sync", "hw0-demo");
        var (checkCode, checkOutput) = Course("sync", "hw0-demo", "--check");

        Assert.That(syncCode, Is.EqualTo(0), syncOutput);
        Assert.That(repo.Read("starter/hw0-demo/Hw0/Counter.cs"), Does.Contain("throw new NotImplementedException"));
        Assert.That(checkCode, Is.EqualTo(0), checkOutput);
        Assert.That(checkOutput, Is.EqualTo("hw0-demo: starter is up to date\n"));
    }

    [Test]
    public void Given_all_homeworks_When_synced_and_then_checked_Then_each_is_reported_up_to_date()
    {
        Assert.That(Course("sync", "--all").ExitCode, Is.EqualTo(0));

        var (exitCode, output) = Course("sync", "--all", "--check");

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(output, Is.EqualTo("hw0-demo: starter is up to date\nhw1-other: starter is up to date\n"));
    }

    [Test]
    public void Given_bad_markers_When_synced_Then_it_exits_1_naming_the_file_and_line()
    {
        repo.Write("reference/hw0-demo/Hw0/Broken.cs", "class B\n{\n    void M()\n    {\n        // BEGIN SOLUTION\n    }\n}\n");

        var (exitCode, output) = Course("sync", "hw0-demo");

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(output, Does.Contain("reference/hw0-demo/Hw0/Broken.cs:5: BEGIN SOLUTION has no matching END SOLUTION"));
    }

    [TestCase("sync", "hw9-unknown")]
    [TestCase("sync")]
    [TestCase("sync", "hw0-demo", "--all")]
    [TestCase("sync", "hw0-demo", "--bogus")]
    [TestCase("unsync", "hw0-demo")]
    public void Given_bad_arguments_When_run_Then_it_exits_2(params string[] args)
    {
        var (exitCode, output) = Course(args);

        Assert.That(exitCode, Is.EqualTo(2), output);
        Assert.That(repo.Exists("starter/hw0-demo/Hw0/Counter.cs"), Is.False);
    }

    [Test]
    public void Given_an_unknown_homework_When_synced_Then_the_error_lists_the_known_ones()
    {
        var (_, output) = Course("sync", "hw9-unknown");

        Assert.That(output, Does.Contain("unknown homework 'hw9-unknown'; the homeworks under reference/ are: hw0-demo, hw1-other"));
    }
}
