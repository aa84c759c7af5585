using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Course.Grader.Report;
using Course.Grader.Tests.Pipeline;
using Course.Grader.Tests.Report;

namespace Course.Grader.Tests.Cli;

/// <summary>
/// `course grade` as an instructor or a workflow runs it: the bundled example by default, each report format on stdout
/// (parsed, not eyeballed), every format written with --out, and exit code 2 for a command line that cannot work.
/// Every format run uses --public-only to keep the suite fast; the default run has the hidden tests too.
/// </summary>
[NonParallelizable]
public class GradeCommandTests
{
    static readonly string[] ActionsVariables = ["GITHUB_ACTIONS", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"];
    readonly Dictionary<string, string?> savedEnvironment = [];
    TempFolder temp = null!;

    /// <summary>The tests must not write into the step output of a CI job that runs them.</summary>
    [OneTimeSetUp]
    public void LeaveGitHubActions()
    {
        foreach (var name in ActionsVariables)
        {
            savedEnvironment[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [OneTimeTearDown]
    public void RestoreEnvironment()
    {
        foreach (var (name, value) in savedEnvironment) Environment.SetEnvironmentVariable(name, value);
    }

    [SetUp]
    public void CreateTemp() => temp = new TempFolder();

    [TearDown]
    public void DeleteTemp() => temp.Dispose();

    [Test]
    public void Given_no_submission_When_graded_Then_it_exits_0_and_prints_the_bundled_examples_score_with_hidden_tests_summed()
    {
        var (exitCode, output) = CourseCli.Run("grade", Hw3Submissions.Assignment);

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.Match(@"Score: \d+(\.\d+)?/100 \(\d+(\.\d+)?%\)"));
        Assert.That(output, Does.Contain("Hidden tests").And.Contain("hidden tests passed"));
        Assert.That(output, Does.Contain("AttentionTests.Scores_AreDotProductsDividedBySqrtDHead"));
    }

    [Test]
    public void Given_json_and_an_out_folder_When_graded_Then_stdout_is_the_json_report_and_all_five_files_are_written_and_parse()
    {
        var outDir = temp["grades"];

        var (exitCode, output) = CourseCli.Run("grade", Hw3Submissions.Assignment, "--public-only", "--format", "json", "--out", outDir);

        Assert.That(exitCode, Is.EqualTo(0), output);
        var report = JsonReport.Read(output);
        Assert.That(report.Assignment, Is.EqualTo(Hw3Submissions.Assignment));
        Assert.That(report.Tests, Is.Not.Empty);
        Assert.That(report.Provenance.SubmissionSource, Is.EqualTo(Hw3Submissions.PartialExample));
        Assert.That(Directory.EnumerateFiles(outDir).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { "report.json", "classroom.json", "results.json", "junit.xml", "summary.md" }));
        Assert.That(File.ReadAllText(Path.Combine(outDir, "report.json")).TrimEnd(), Is.EqualTo(output.TrimEnd()));
        Assert.That(JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "classroom.json"))).RootElement.GetProperty("version").GetInt32(), Is.EqualTo(1));
        Assert.That(JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json"))).RootElement.GetProperty("score").GetDouble(), Is.EqualTo(report.Score));
        JUnitSchemas.AssertValid(File.ReadAllText(Path.Combine(outDir, "junit.xml")));
        Assert.That(File.ReadAllText(Path.Combine(outDir, "summary.md")), Does.Contain(report.Title));
    }

    [Test]
    public void Given_the_classroom_format_inside_GitHub_Actions_When_graded_Then_stdout_stays_json_and_the_step_output_carries_it_in_base64()
    {
        var stepOutput = temp["github_output"];
        var stepSummary = temp["step_summary.md"];
        Environment.SetEnvironmentVariable("GITHUB_ACTIONS", "true");
        Environment.SetEnvironmentVariable("GITHUB_OUTPUT", stepOutput);
        Environment.SetEnvironmentVariable("GITHUB_STEP_SUMMARY", stepSummary);
        (int ExitCode, string Output) run;
        // The workflow commands go to stderr; kept here, they would become a notice on this repository's own CI run.
        var stderr = new StringWriter();
        var realStderr = Console.Error;
        Console.SetError(stderr);
        try
        {
            run = CourseCli.Run("grade", Hw3Submissions.Assignment, "--public-only", "--format", "classroom");
        }
        finally
        {
            Console.SetError(realStderr);
            foreach (var name in ActionsVariables) Environment.SetEnvironmentVariable(name, null);
        }
        Assert.That(stderr.ToString(), Does.Contain($"::notice title={Hw3Submissions.Assignment}::Points "));

        Assert.That(run.ExitCode, Is.EqualTo(0), run.Output);
        var result = JsonDocument.Parse(run.Output).RootElement;
        Assert.That(result.GetProperty("version").GetInt32(), Is.EqualTo(1));
        Assert.That(result.GetProperty("status").GetString(), Is.EqualTo("fail"), "the bundled example is half done");
        Assert.That(result.GetProperty("max_score").GetDouble(), Is.GreaterThan(0));
        Assert.That(result.GetProperty("tests").EnumerateArray().Select(t => t.GetProperty("name").GetString()),
            Does.Contain("AttentionTests.Scores_AreDotProductsDividedBySqrtDHead"));
        var line = File.ReadAllLines(stepOutput).Single(l => l.StartsWith("result=", StringComparison.Ordinal));
        Assert.That(Encoding.UTF8.GetString(Convert.FromBase64String(line["result=".Length..])), Is.EqualTo(run.Output.TrimEnd()));
        Assert.That(File.ReadAllText(stepSummary), Is.Not.Empty);
    }

    [Test]
    public void Given_the_gradescope_format_When_graded_Then_stdout_is_a_results_json_with_a_score_per_test()
    {
        var (exitCode, output) = CourseCli.Run("grade", Hw3Submissions.Assignment, "--public-only", "--format", "gradescope");

        Assert.That(exitCode, Is.EqualTo(0), output);
        var results = JsonDocument.Parse(output).RootElement;
        var tests = results.GetProperty("tests").EnumerateArray().ToList();
        Assert.That(tests, Is.Not.Empty);
        Assert.That(tests.Select(t => t.GetProperty("status").GetString()), Has.All.AnyOf("passed", "failed"));
        Assert.That(results.GetProperty("score").GetDouble(), Is.EqualTo(tests.Sum(t => t.GetProperty("score").GetDouble())).Within(1e-9));
    }

    [Test]
    public void Given_the_junit_format_When_graded_Then_stdout_is_junit_xml_with_a_testcase_per_test_and_failures_marked()
    {
        var (exitCode, output) = CourseCli.Run("grade", Hw3Submissions.Assignment, "--public-only", "--format", "junit");

        Assert.That(exitCode, Is.EqualTo(0), output);
        JUnitSchemas.AssertValid(output);
        var xml = XDocument.Parse(output);
        var cases = xml.Descendants("testcase").ToList();
        Assert.That(cases, Is.Not.Empty);
        Assert.That(cases.Count(c => c.Element("failure") is not null), Is.GreaterThan(0).And.LessThan(cases.Count), "the bundled example passes some tests and fails others");
    }

    [Test]
    public void Given_the_markdown_format_When_graded_Then_stdout_is_a_markdown_summary_with_the_score()
    {
        var (exitCode, output) = CourseCli.Run("grade", Hw3Submissions.Assignment, "--public-only", "--format", "markdown");

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.StartWith("#").And.Contain("| ").And.Match(@"\d+(\.\d+)?/56"));
    }

    [Test]
    public void Given_an_unknown_assignment_When_graded_Then_it_exits_2_listing_the_known_ones()
    {
        var (exitCode, output) = CourseCli.Run("grade", "hw9-nope");

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output, Does.Contain("unknown assignment 'hw9-nope'").And.Contain(Hw3Submissions.Assignment));
    }

    [Test]
    public void Given_an_unknown_format_When_graded_Then_it_exits_2_listing_the_formats()
    {
        var (exitCode, output) = CourseCli.Run("grade", Hw3Submissions.Assignment, "--format", "yaml");

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output, Does.Contain("--format must be one of console, json, classroom, gradescope, junit, markdown"));
    }

    [Test]
    public void Given_a_submission_path_that_does_not_exist_When_graded_Then_it_exits_2_naming_it()
    {
        var (exitCode, output) = CourseCli.Run("grade", Hw3Submissions.Assignment, "--submission", "/does/not/exist");

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output.Trim(), Is.EqualTo("error: --submission: '/does/not/exist' is not a folder, a .zip, a .tar.gz or a git repository"));
    }
}
