using Course.Gradebook;
using Course.Grader.Tests.Pipeline;

namespace Course.Grader.Tests.Gradebook;

/// <summary>`course gradebook export` over a gradebook of hand-written rows: where output goes, and the command lines that cannot work.</summary>
public class GradebookExportCommandTests
{
    TempFolder temp = null!;
    string gradebookPath = null!;

    [SetUp]
    public void WriteAGradebook()
    {
        temp = new TempFolder();
        gradebookPath = temp["gradebook.db"];
        using var gradebook = SqliteGradebook.Open(gradebookPath);
        foreach (var entry in GradebookEntries.SmallClass()) gradebook.Record(entry);
    }

    [TearDown]
    public void DeleteTemp() => temp.Dispose();

    [Test]
    public void Given_no_out_When_exported_as_csv_Then_stdout_is_the_csv_alone()
    {
        var (exitCode, output) = ExportCli.Run(GradebookEntries.Assignment, "--gradebook", gradebookPath);

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.StartWith("student,repository,commit,score,max_score,percent,status,late,submitted_at,submitted_at_source,graded_at\r\nalice,"));
        Assert.That(output.Split("\r\n", StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(6));
    }

    [Test]
    public void Given_an_out_file_in_a_new_folder_When_exported_as_markdown_Then_the_file_holds_the_summary()
    {
        var path = temp["reports/hw3.md"];

        var (exitCode, output) = ExportCli.Run(GradebookEntries.Assignment, "--format", "markdown", "--out", path, "--gradebook", gradebookPath, "--pass-percent", "90");

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Is.Empty);
        Assert.That(File.ReadAllText(path), Does.Contain("| pass rate (≥ 90.0%) | 1/4 (25.0%) |"));
    }

    [Test]
    public void Given_an_unknown_format_When_exported_Then_it_exits_2_listing_the_formats()
    {
        var (exitCode, output) = ExportCli.Run(GradebookEntries.Assignment, "--format", "xlsx", "--gradebook", gradebookPath);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output, Does.Contain("--format must be one of csv, histogram, markdown"));
    }

    [Test]
    public void Given_no_gradebook_When_exported_Then_it_exits_2_without_making_one()
    {
        var missing = temp["missing.db"];

        var (exitCode, output) = ExportCli.Run(GradebookEntries.Assignment, "--gradebook", missing);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output, Does.Contain($"--gradebook: no gradebook at {missing}"));
        Assert.That(File.Exists(missing), Is.False);
    }

    [Test]
    public void Given_an_assignment_without_grades_When_exported_Then_it_exits_1_naming_what_the_gradebook_holds()
    {
        var (exitCode, output) = ExportCli.Run("hw1-lm-basics", "--gradebook", gradebookPath);

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(output.Trim(), Is.EqualTo($"error: {gradebookPath} holds no grades of hw1-lm-basics; it holds hw3-attention"));
    }
}
