using Course.Grader.Export;
using Course.Grader.Tests.Pipeline;
using Snapshooter.NUnit;

namespace Course.Grader.Tests.Export;

/// <summary>
/// The exported classroom workflow, parsed as YAML: what GitHub needs to run it on each push, and what GitHub
/// Classroom's reporter needs to find the grade (the env var <c>&lt;RUNNER&gt;_RESULTS</c> for each of its runners).
/// </summary>
public class ClassroomWorkflowTests
{
    TempFolder temp = null!;
    string path = null!;
    WorkflowYaml workflow = null!;

    [OneTimeSetUp]
    public void ExportHw3()
    {
        temp = new TempFolder("course-export-");
        var template = TemplateExport.Write(Hw3Submissions.Layout, Hw3Submissions.Assignment, temp["template"]);
        path = Path.Combine(template.Root, StudentRepo.WorkflowPath);
        workflow = WorkflowYaml.Load(path);
    }

    [OneTimeTearDown]
    public void DeleteExport() => temp.Dispose();

    [Test]
    public void Then_it_runs_on_push_on_demand_and_on_Classrooms_repository_dispatch()
    {
        Assert.That(WorkflowYaml.Keys(WorkflowYaml.Map(workflow.Root, "on")), Is.EquivalentTo(new[] { "push", "workflow_dispatch", "repository_dispatch" }));
    }

    [Test]
    public void Then_it_may_write_checks_and_read_actions_and_contents_and_nothing_else()
    {
        var permissions = WorkflowYaml.Map(workflow.Root, "permissions");

        Assert.That(WorkflowYaml.Keys(permissions).ToDictionary(k => k, k => WorkflowYaml.Text(permissions, k)),
            Is.EquivalentTo(new Dictionary<string, string?> { ["checks"] = "write", ["actions"] = "read", ["contents"] = "read" }));
    }

    [Test]
    public void Then_the_job_skips_the_push_of_the_classroom_bot()
    {
        Assert.That(WorkflowYaml.Text(workflow.Job, "if"), Is.EqualTo("github.actor != 'github-classroom[bot]'"));
    }

    [Test]
    public void Then_it_checks_out_sets_up_dotnet_10_and_caches_the_nuget_packages_before_grading()
    {
        var steps = workflow.Steps.ToList();
        var checkout = workflow.StepUsing("actions/checkout");
        var setup = workflow.StepUsing("actions/setup-dotnet");
        var cache = workflow.StepUsing("actions/cache");

        Assert.That(WorkflowYaml.Text(checkout, "uses"), Is.EqualTo("actions/checkout@v4"));
        Assert.That(WorkflowYaml.Text(setup, "uses"), Is.EqualTo("actions/setup-dotnet@v4"));
        Assert.That(WorkflowYaml.Text(WorkflowYaml.Map(setup, "with"), "dotnet-version"), Does.StartWith("10."));
        Assert.That(WorkflowYaml.Text(cache, "uses"), Is.EqualTo("actions/cache@v4"));
        Assert.That(WorkflowYaml.Text(WorkflowYaml.Map(cache, "with"), "path"), Is.EqualTo("~/.nuget/packages"));
        var grade = steps.IndexOf(workflow.Step(StudentRepo.GradeStepId));
        Assert.That(new[] { steps.IndexOf(checkout), steps.IndexOf(setup), steps.IndexOf(cache) }, Has.All.LessThan(grade));
    }

    [Test]
    public void Then_the_grade_step_runs_the_repos_own_grader_on_the_public_tests_and_the_root_project()
    {
        var grade = workflow.Step(StudentRepo.GradeStepId);
        var manifest = Hw3Submissions.HomeworkManifest;

        Assert.That(WorkflowYaml.Text(grade, "run"), Is.EqualTo(StudentRepo.GradeCommand(manifest.Id, manifest.Project)));
        Assert.That(WorkflowYaml.Text(grade, "run"), Does.Contain("--public-only").And.Contain($"--submission {manifest.Project}").And.Contain("--root .course"));
    }

    [Test]
    public void Then_the_classroom_reporter_comes_after_grading_and_reads_RESULTS_of_every_runner_from_that_steps_output()
    {
        var steps = workflow.Steps.ToList();
        var reporter = workflow.StepUsing("classroom-resources/autograding-grading-reporter");
        var runners = WorkflowYaml.Text(WorkflowYaml.Map(reporter, "with"), "runners")!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var env = WorkflowYaml.Map(reporter, "env");

        Assert.That(WorkflowYaml.Text(reporter, "uses"), Is.EqualTo("classroom-resources/autograding-grading-reporter@v1"));
        Assert.That(runners, Is.EqualTo(new[] { StudentRepo.GradeStepId }));
        Assert.That(WorkflowYaml.Keys(env), Is.EqualTo(runners.Select(r => r.ToUpperInvariant() + "_RESULTS")));
        foreach (var runner in runners)
        {
            Assert.That(WorkflowYaml.Text(env, runner.ToUpperInvariant() + "_RESULTS"), Is.EqualTo($"${{{{ steps.{runner}.outputs.result }}}}"));
            Assert.That(steps.IndexOf(workflow.Step(runner)), Is.LessThan(steps.IndexOf(reporter)));
        }
    }

    [Test]
    public void Then_the_workflow_text_matches_the_reviewed_snapshot()
    {
        Snapshot.Match(File.ReadAllText(path));
    }
}
