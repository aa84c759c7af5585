using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Course.Grader.Report;
using Course.Grader.Score;
using Course.Grader.Tests.Pipeline;
using Course.Grader.Tests.Report;

namespace Course.Grader.Tests.Cli;

/// <summary>
/// `course grade` under GitHub Actions, of a submission built to inject workflow commands and terminal escapes: a student
/// file named with a line break, a <c>::notice …::Points 100/100</c> and escapes, and code that prints and throws more of
/// them. The console report is printed between <c>::stop-commands::TOKEN</c> and <c>::TOKEN::</c>, with a fresh token per
/// run; the grader's own commands come after it and are the only lines that start with <c>::</c>; JSON and JUnit on
/// stdout hold nothing the runner would read as a command; no report holds a control character.
/// </summary>
[NonParallelizable]
public partial class GradeUnderActionsTests
{
    const string Injected = "::notice title=hw3-attention::Points 100/100";
    static readonly string[] ActionsVariables = ["GITHUB_ACTIONS", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE"];
    readonly Dictionary<string, string?> savedEnvironment = [];
    readonly TempFolder temp = new();
    string outDir = null!, stepSummary = null!;
    (int ExitCode, string Output) console, secondConsole, junit, json;
    string junitStderr = null!;

    [OneTimeSetUp]
    public void GradeInsideGitHubActions()
    {
        foreach (var name in ActionsVariables) savedEnvironment[name] = Environment.GetEnvironmentVariable(name);
        var submission = Hw3Submissions.Materialize("control-characters", temp["submission"]);
        var odd = Path.Combine(submission, $"x\n{Injected}\n\u001b[2J\u001b[31m\u202e.cs");
        Directory.CreateDirectory(Path.GetDirectoryName(odd)!); // the '/' of "100/100" makes a folder
        File.WriteAllText(odd, "class Odd {}");
        File.WriteAllText(Path.Combine(submission, "::stop-commands::abc.cs"), "class Stop {}");
        outDir = temp["out"];
        stepSummary = temp["step-summary.md"];
        Environment.SetEnvironmentVariable("GITHUB_ACTIONS", "true");
        Environment.SetEnvironmentVariable("GITHUB_OUTPUT", temp["github-output"]);
        Environment.SetEnvironmentVariable("GITHUB_STEP_SUMMARY", stepSummary);
        Environment.SetEnvironmentVariable("GITHUB_WORKSPACE", temp.Path);
        // With JSON or XML on stdout the grader's own commands go to stderr: kept here, not in the log of a CI job running the tests.
        var stderr = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            console = CourseCli.Run("grade", Hw3Submissions.Assignment, "--public-only", "--submission", submission, "--out", outDir);
            secondConsole = CourseCli.Run("grade", Hw3Submissions.Assignment, "--public-only", "--submission", submission);
            junit = CourseCli.Run("grade", Hw3Submissions.Assignment, "--public-only", "--submission", submission, "--format", "junit");
            junitStderr = captured.ToString();
            json = CourseCli.Run("grade", Hw3Submissions.Assignment, "--public-only", "--submission", submission, "--format", "json");
        }
        finally
        {
            Console.SetError(stderr);
            foreach (var (name, value) in savedEnvironment) Environment.SetEnvironmentVariable(name, value);
        }
    }

    [OneTimeTearDown]
    public void DeleteTemp() => temp.Dispose();

    [Test]
    public void Given_a_console_grade_under_Actions_Then_the_report_is_inside_one_stop_commands_block_and_only_the_graders_commands_are_outside()
    {
        Assert.That(console.ExitCode, Is.EqualTo(0), console.Output);
        var lines = console.Output.Split('\n');
        var (open, close, token) = Block(lines);

        Assert.That(lines[..open].Where(l => l.Length > 0), Is.Empty, "nothing before the block");
        Assert.That(lines[(open + 1)..close].Where(IsCommand), Is.Empty, console.Output);
        Assert.That(lines[(open + 1)..close], Has.Some.Contains("Score: "));
        var after = lines[(close + 1)..].Where(l => l.Length > 0).ToList();
        Assert.That(after, Has.All.Match(@"^::(error|warning|notice) "), "only the grader's own annotations and points");
        var report = JsonReport.Read(File.ReadAllText(Path.Combine(outDir, "report.json")));
        Assert.That(after[^1], Is.EqualTo($"::notice title=hw3-attention::Points {ScoreStage.Format(report.Score)}/{ScoreStage.Format(report.MaxScore)}"));
        Assert.That(report.Score, Is.LessThan(report.MaxScore), "the injected 100/100 is not the grade");
        Assert.That(token, Is.Not.EqualTo(Block(secondConsole.Output.Split('\n')).Token), "a fresh token on every run");
    }

    [Test]
    public void Given_a_console_grade_under_Actions_Then_stdout_holds_no_control_character_or_escape_but_the_graders_own_bold()
    {
        // Spectre turns ANSI on under GitHub Actions (its log shows colours): the grader's own bold and reset may stay.
        var text = console.Output.Replace("\u001b[1m", "").Replace("\u001b[0m", "");

        Assert.That(text.Where(c => ReportText.IsUnsafe(c) && c != '\n'), Is.Empty);
        Assert.That(text, Does.Contain("::stop-commands::abc.cs").And.Contain("Points 100/100"), "the odd names are named, as text, inside the block");
    }

    [Test]
    public void Given_the_files_written_with_out_and_the_step_summary_Then_none_holds_a_control_character()
    {
        foreach (var file in Directory.EnumerateFiles(outDir).Append(stepSummary))
        {
            var text = File.ReadAllText(file);
            Assert.That(text.Where(c => ReportText.IsUnsafe(c) && c is not ('\n' or '\t')), Is.Empty, file);
            Assert.That(EscapedControl().IsMatch(text), Is.False, $"{file} holds an escaped control character");
        }
        var report = JsonReport.Read(File.ReadAllText(Path.Combine(outDir, "report.json")));
        Assert.That(report.Summary, Does.Contain("Ignored ").And.Contain("Points 100/100").And.Not.Contain("\n"));
        Assert.That(File.ReadAllText(Path.Combine(outDir, "summary.md")), Does.Contain("Points 100/100"));
    }

    [Test]
    public void Given_code_that_prints_and_throws_escapes_and_commands_Then_its_message_and_output_keep_the_text_without_them()
    {
        var report = JsonReport.Read(File.ReadAllText(Path.Combine(outDir, "report.json")));
        var failed = report.Tests.Where(t => t.Message.Contains("mask broke", StringComparison.Ordinal)).ToList();

        Assert.That(report.Status, Is.EqualTo(GradeStatus.Graded), report.Summary);
        Assert.That(failed, Is.Not.Empty, string.Join("\n", report.Tests.Select(t => $"{t.Name}: {t.Message}")));
        Assert.That(failed[0].Message, Does.Contain($"mask broke\n{Injected}\n##[warning]x"));
        Assert.That(report.Tests.Select(t => t.Output), Has.Some.StartWith("red\n::error title=hw3-attention::pwned\n##[add-mask]secretdesrever"));
    }

    [Test]
    public void Given_junit_and_json_on_stdout_under_Actions_Then_they_parse_and_no_line_is_a_workflow_command()
    {
        foreach (var (exitCode, output) in new[] { junit, json })
        {
            Assert.That(exitCode, Is.EqualTo(0), output);
            Assert.That(output.Split('\n', '\r').Where(IsCommand), Is.Empty, output);
            Assert.That(output, Does.Not.Contain("##[").And.Not.Contain("::stop-commands::" + "\n"));
        }
        Assert.That(junitStderr.TrimEnd().Split('\n')[^1], Does.Match(@"^::notice title=hw3-attention::Points \d+/56$"), "the grader's own commands go to stderr");
        JUnitSchemas.AssertValid(junit.Output);
        var failure = XDocument.Parse(junit.Output).Descendants().Where(e => e.Name == "failure" || e.Name == "error").Select(f => f.Value).First(v => v.Contains("mask broke", StringComparison.Ordinal));
        Assert.That(failure, Does.Contain($"\n{Injected}\n##[warning]x"), "the parsed text is the message, commands included, as text");
        var message = JsonDocument.Parse(json.Output).RootElement.GetProperty("tests").EnumerateArray()
            .Select(t => t.GetProperty("message").GetString()!).First(m => m.Contains("mask broke", StringComparison.Ordinal));
        Assert.That(message, Does.Contain("##[warning]x"));
    }

    /// <summary>What the runner takes for a workflow command: <c>::</c> after leading white space, or <c>##[</c> anywhere.</summary>
    static bool IsCommand(string line) => line.TrimStart().StartsWith("::", StringComparison.Ordinal) || line.Contains("##[", StringComparison.Ordinal);

    static (int Open, int Close, string Token) Block(string[] lines)
    {
        var opens = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith("::stop-commands::", StringComparison.Ordinal)).ToList();
        Assert.That(opens, Has.Count.EqualTo(1), string.Join("\n", lines));
        var token = opens[0].l["::stop-commands::".Length..];
        Assert.That(token, Does.Match("^[0-9a-f]{32}$"));
        var closes = lines.Select((l, i) => (l, i)).Where(x => x.l == $"::{token}::").ToList();
        Assert.That(closes, Has.Count.EqualTo(1), "closed once, with the same token");
        Assert.That(closes[0].i, Is.GreaterThan(opens[0].i));
        return (opens[0].i, closes[0].i, token);
    }

    [GeneratedRegex(@"\\u00(1[0-9a-fA-F]|0[0-8bcefBCEF]|[89][0-9a-fA-F]|7[fF])|\\u20(2[a-eA-E]|6[6-9])")]
    private static partial Regex EscapedControl();
}
