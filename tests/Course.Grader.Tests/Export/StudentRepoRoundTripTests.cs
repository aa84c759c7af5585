using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Course.Grader.Export;
using Course.Grader.Score;
using Course.Grader.Tests.Pipeline;
using Course.Grader.Tests.Workspace;

namespace Course.Grader.Tests.Export;

/// <summary>
/// hw3-attention exported, committed to a fresh git repo, cloned, and used as a student would: `dotnet test` runs the public
/// tests (all fail on the starter), and the workflow's grade step, run as GitHub runs it, sets the Classroom result and
/// the job summary; then the student's files are completed with the reference's, committed, and graded again.
/// Everything builds from the exported folder alone, with packages from the NuGet cache. Slow (builds): one setup.
/// </summary>
[NonParallelizable]
public class StudentRepoRoundTripTests
{
    static readonly string Assignment = Hw3Submissions.Assignment;
    TempFolder temp = null!;
    ExportedTemplate template = null!;
    string[] tracked = null!;
    string repoDir = null!;
    ShellRun dotnetTest = null!;
    XDocument trx = null!;
    WorkflowGrade starter = null!;
    string statusAfterBuilds = null!;
    WorkflowGrade finished = null!;
    GradeReport instructorsReference = null!;

    /// <summary>The grade step's run, with what it left in GITHUB_OUTPUT and GITHUB_STEP_SUMMARY.</summary>
    sealed record WorkflowGrade(ShellRun Run, string StepOutput, string StepSummary)
    {
        public JsonElement Result()
        {
            var lines = StepOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("result=", StringComparison.Ordinal)).ToList();
            Assert.That(lines, Has.Count.EqualTo(1), $"one result= line in GITHUB_OUTPUT:\n{StepOutput}\n{Run.Describe()}");
            return JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(lines[0]["result=".Length..]))).RootElement;
        }
    }

    [OneTimeSetUp]
    public async Task ExportCommitTestAndGradeAsAStudent()
    {
        var clock = Stopwatch.StartNew();
        temp = new TempFolder("course-roundtrip-");
        var templateDir = temp["template"];
        template = TemplateExport.Write(Hw3Submissions.Layout, Assignment, templateDir);
        var templateRepo = GitRepo.Init(templateDir);
        templateRepo.CommitAll("hw3-attention template");
        tracked = templateRepo.Git("ls-files").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // The student's repo: a fresh clone, so nothing that git does not carry can help.
        repoDir = temp["student"];
        templateRepo.Git("clone", "--quiet", templateDir, repoDir);
        var git = new GitRepo(repoDir);
        var gradeCommand = WorkflowYaml.Text(WorkflowYaml.Load(Path.Combine(repoDir, StudentRepo.WorkflowPath)).Step(StudentRepo.GradeStepId), "run")!;

        dotnetTest = StudentShell.Run(repoDir, $"dotnet test --logger \"trx;LogFileName=public.trx\" --results-directory {temp["test-results"]}");
        var trxPath = Path.Combine(temp["test-results"], "public.trx");
        Assert.That(File.Exists(trxPath), Is.True, dotnetTest.Describe());
        trx = XDocument.Load(trxPath);
        starter = GradeAsTheWorkflow(gradeCommand, "starter");
        statusAfterBuilds = git.Git("status", "--porcelain", "--untracked-files=all");

        Hw3Submissions.CopyStudentFiles(Hw3Submissions.ReferenceProject, Path.Combine(repoDir, template.Manifest.Project));
        git.CommitAll("attention, done");
        finished = GradeAsTheWorkflow(gradeCommand, "finished");
        instructorsReference = await Hw3Submissions.ReferencePublicAsync();
        TestContext.Progress.WriteLine($"student repo round trip: {clock.Elapsed.TotalSeconds:0}s");
    }

    [OneTimeTearDown]
    public void DeleteRepo() => temp?.Dispose();

    WorkflowGrade GradeAsTheWorkflow(string command, string name)
    {
        var output = temp[$"{name}.github_output"];
        var summary = temp[$"{name}.step_summary.md"];
        File.WriteAllText(output, "");
        File.WriteAllText(summary, "");
        var run = StudentShell.Run(repoDir, command, new Dictionary<string, string>
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_OUTPUT"] = output,
            ["GITHUB_STEP_SUMMARY"] = summary,
        });
        return new WorkflowGrade(run, File.ReadAllText(output), File.ReadAllText(summary));
    }

    static readonly XNamespace Trx = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    int Counter(string name) => int.Parse(trx.Descendants(Trx + "Counters").Single().Attribute(name)!.Value);

    [Test]
    public void Given_the_export_committed_Then_git_tracks_every_file_of_it()
    {
        Assert.That(tracked, Is.EquivalentTo(template.Files), "the exported .gitignore must not hide a file of the template");
    }

    [Test]
    public void Given_the_starter_When_dotnet_test_runs_in_the_repo_Then_every_public_test_builds_runs_and_fails()
    {
        Assert.That(dotnetTest.ExitCode, Is.Not.Zero, "failing tests fail the run");
        Assert.That(dotnetTest.Output, Does.Not.Contain("Test host process crashed"));
        Assert.That(Counter("total"), Is.EqualTo(instructorsReference.Tests.Count), dotnetTest.Describe());
        Assert.That(Counter("executed"), Is.EqualTo(Counter("total")));
        Assert.That(Counter("failed"), Is.EqualTo(Counter("total")));
        Assert.That(trx.Descendants(Trx + "UnitTestResult").Select(r => r.Attribute("outcome")!.Value), Has.All.EqualTo("Failed"));
    }

    [Test]
    public void Given_the_starter_When_dotnet_test_builds_the_public_tests_Then_they_run_with_invariant_globalization_as_the_graders_worker_does()
    {
        // What the runtime reads at start: a student's test host, whatever the culture of their machine, orders, compares
        // and formats strings as the worker that grades them (Directory.Build.targets; without it, `Order()` on "b", "a",
        // "B", "_" gives _ a b B under en-US there and B _ a b in the grade).
        var configs = Directory.GetFiles(repoDir, "*.Tests.runtimeconfig.json", SearchOption.AllDirectories);

        Assert.That(configs, Is.Not.Empty, $"the public tests' runtimeconfig.json under {repoDir} after dotnet test");
        foreach (var config in configs)
            Assert.That(JsonDocument.Parse(File.ReadAllText(config)).RootElement.GetProperty("runtimeOptions").GetProperty("configProperties")
                .TryGetProperty("System.Globalization.Invariant", out var invariant) && invariant.GetBoolean(), Is.True, config);
    }

    [Test]
    public void Given_the_starter_When_the_workflow_grades_it_Then_it_exits_0_and_the_step_output_is_classroom_json_with_0_of_the_public_points()
    {
        Assert.That(starter.Run.ExitCode, Is.Zero, starter.Run.Describe());
        var result = starter.Result();
        var tests = result.GetProperty("tests").EnumerateArray().ToList();

        Assert.That(result.GetProperty("version").GetInt32(), Is.EqualTo(1));
        Assert.That(result.GetProperty("status").GetString(), Is.EqualTo("fail"));
        Assert.That(result.GetProperty("max_score").GetDouble(), Is.EqualTo(instructorsReference.MaxScore));
        Assert.That(tests.Sum(t => t.GetProperty("score").GetDouble()), Is.Zero);
        Assert.That(tests.Select(t => t.GetProperty("name").GetString()), Is.EquivalentTo(instructorsReference.Tests.Select(t => t.Name)),
            "the public tests, and no hidden one");
        Assert.That(starter.Run.Output, Does.Contain($"::notice title={Assignment}::Points 0/{ScoreStage.Format(instructorsReference.MaxScore)}"));
    }

    [Test]
    public void Given_the_starter_When_the_workflow_grades_it_Then_the_job_summary_has_the_markdown_table_with_a_row_per_test()
    {
        var lines = starter.StepSummary.Split('\n');

        Assert.That(lines, Does.Contain("| | Test | Points | Feedback |"));
        Assert.That(lines.Count(l => l.StartsWith("| ❌ |", StringComparison.Ordinal)), Is.EqualTo(instructorsReference.Tests.Count));
    }

    [Test]
    public void Given_builds_tests_and_grading_in_the_repo_Then_git_sees_nothing_new_to_commit()
    {
        Assert.That(statusAfterBuilds, Is.Empty, "the exported .gitignore keeps build outputs out of the student's commits");
    }

    [Test]
    public void Given_the_student_files_completed_and_committed_When_the_workflow_grades_Then_full_public_marks_as_the_instructors_grader_gives()
    {
        Assert.That(finished.Run.ExitCode, Is.Zero, finished.Run.Describe());
        var result = finished.Result();
        var tests = result.GetProperty("tests").EnumerateArray().ToList();

        Assert.That(instructorsReference.Score, Is.EqualTo(instructorsReference.MaxScore), instructorsReference.Describe());
        Assert.That(result.GetProperty("status").GetString(), Is.EqualTo("pass"), finished.Run.Describe());
        Assert.That(result.GetProperty("max_score").GetDouble(), Is.EqualTo(instructorsReference.MaxScore));
        Assert.That(tests.Sum(t => t.GetProperty("score").GetDouble()), Is.EqualTo(instructorsReference.MaxScore).Within(1e-9));
        Assert.That(finished.Run.Output, Does.Contain($"Points {ScoreStage.Format(instructorsReference.MaxScore)}/{ScoreStage.Format(instructorsReference.MaxScore)}"));
    }
}
