using Course.Grader.Report;
using Course.Grader.Tests.Cli;
using Course.Grader.Tests.Pipeline;

namespace Course.Grader.Tests.Batch;

/// <summary>`course batch` command lines that cannot work: exit code 2 and a message naming the option, before anything is graded.</summary>
public class BatchCommandTests
{
    TempFolder temp = null!;

    [SetUp]
    public void CreateTemp() => temp = new TempFolder();

    [TearDown]
    public void DeleteTemp() => temp.Dispose();

    [Test]
    public void Given_no_source_When_batched_Then_it_exits_2_asking_for_one()
    {
        var (exitCode, output) = CourseCli.Run("batch", Hw3Submissions.Assignment);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output, Does.Contain("say where the submissions are: --dir DIR"));
    }

    [Test]
    public void Given_a_folder_that_does_not_exist_When_batched_Then_it_exits_2_naming_it()
    {
        var (exitCode, output) = CourseCli.Run("batch", Hw3Submissions.Assignment, "--dir", temp["nowhere"]);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output, Does.Contain($"--dir: no folder {temp["nowhere"]}"));
    }

    [TestCase("--deadline", "next friday", "--deadline: 'next friday' is not an ISO 8601 time")]
    [TestCase("--jobs", "0", "--jobs must be at least 1")]
    [TestCase("--extensions", "/no/such/extensions.csv", "--extensions: no file /no/such/extensions.csv")]
    public void Given_a_bad_option_When_batched_Then_it_exits_2_naming_it(string option, string value, string message)
    {
        var (exitCode, output) = CourseCli.Run("batch", Hw3Submissions.Assignment, "--dir", temp.Path, option, value);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output, Does.Contain(message));
    }

    [Test]
    public void Given_an_extensions_file_with_a_bad_date_When_batched_Then_it_exits_2_naming_the_line_and_grades_nothing()
    {
        File.WriteAllText(temp["extensions.csv"], "student,deadline\nalice,2025-03-05T23:59:00Z\nbob,the fifth\n");
        var gradebook = temp["gradebook.db"];

        var (exitCode, output) = CourseCli.Run("batch", Hw3Submissions.Assignment, "--dir", temp.Path, "--extensions", temp["extensions.csv"], "--gradebook", gradebook);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output.Trim(), Is.EqualTo($"error: --extensions: {temp["extensions.csv"]} line 3: 'the fifth' is not an ISO 8601 time"));
        Assert.That(File.Exists(gradebook), Is.False);
    }

    [Test]
    public void Given_post_with_a_folder_source_When_batched_Then_it_exits_2_as_there_is_nowhere_to_post()
    {
        var (exitCode, output) = CourseCli.Run("batch", Hw3Submissions.Assignment, "--dir", temp.Path, "--post", "--gradebook", temp["gradebook.db"]);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output.Trim(), Is.EqualTo("error: --post: this source has nowhere to post grades; only GitHub sources can"));
    }

    [Test]
    public void Given_an_empty_folder_When_batched_Then_it_exits_0_with_nobody_graded_and_makes_the_gradebook()
    {
        var empty = Directory.CreateDirectory(temp["downloads"]).FullName;
        var gradebook = temp["grades/gradebook.db"];

        var (exitCode, output) = CourseCli.Run("batch", Hw3Submissions.Assignment, "--dir", empty, "--gradebook", gradebook);

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("batch: 0 student(s), 0 graded, 0 already graded, 0 grader error(s)"));
        Assert.That(File.Exists(gradebook), Is.True);
    }

    [Test]
    public void Given_another_batch_of_the_assignment_on_the_gradebook_When_batched_Then_it_exits_1_saying_so_and_grades_nothing()
    {
        File.WriteAllText(Directory.CreateDirectory(temp["downloads/alice"]).FullName + "/Attention.cs", "not graded");
        var path = temp["gradebook.db"];
        using var running = Course.Gradebook.SqliteGradebook.Open(path);
        using var held = running.HoldForBatch(Hw3Submissions.Assignment);

        var (exitCode, output) = CourseCli.Run("batch", Hw3Submissions.Assignment, "--dir", temp["downloads"], "--gradebook", path);

        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(output.Trim(), Does.StartWith($"error: another course batch of {Hw3Submissions.Assignment} is grading into the gradebook {running.Path}"));
        Assert.That(running.History(Hw3Submissions.Assignment), Is.Empty);
    }

    [Test]
    [NonParallelizable]
    public void Given_student_names_with_line_breaks_and_commands_under_GitHub_Actions_When_batched_Then_the_output_is_one_stop_commands_block()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("Windows file names cannot hold a line break");
        var downloads = Directory.CreateDirectory(temp["downloads"]).FullName;
        const string Eve = "eve\n::error title=batch::pwned\u001b[2J";
        Directory.CreateDirectory(Path.Combine(downloads, Eve));
        File.WriteAllText(Path.Combine(downloads, Eve + ".zip"), ""); // two submissions for one student: listed, never graded
        var saved = Environment.GetEnvironmentVariable("GITHUB_ACTIONS");
        Environment.SetEnvironmentVariable("GITHUB_ACTIONS", "true");
        (int ExitCode, string Output) run;
        try
        {
            run = CourseCli.Run("batch", Hw3Submissions.Assignment, "--dir", downloads, "--gradebook", temp["gradebook.db"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GITHUB_ACTIONS", saved);
        }

        Assert.That(run.ExitCode, Is.EqualTo(0), run.Output);
        var lines = run.Output.TrimEnd('\n').Split('\n');
        Assert.That(lines[0], Does.Match("^::stop-commands::[0-9a-f]{32}$"));
        Assert.That(lines[^1], Is.EqualTo($"::{lines[0]["::stop-commands::".Length..]}::"));
        Assert.That(lines[1..^1].Where(l => l.TrimStart().StartsWith("::", StringComparison.Ordinal)), Is.Empty, run.Output);
        Assert.That(run.Output.Replace("\u001b[1m", "").Replace("\u001b[0m", "").Where(c => c != '\n' && ReportText.IsUnsafe(c)), Is.Empty);
        Assert.That(run.Output, Does.Contain("eve ::error title=batch::pwned"));
    }
}
