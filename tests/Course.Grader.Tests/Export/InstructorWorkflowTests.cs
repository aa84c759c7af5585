using Course.Grader.Export;
using Course.Grader.Tests.Cli;
using Course.Grader.Tests.Pipeline;
using YamlDotNet.RepresentationModel;

namespace Course.Grader.Tests.Export;

/// <summary>
/// `course export &lt;id&gt; --instructor`: the course repository's grading workflow, parsed as YAML as GitHub reads it: a
/// manual dispatch with the class's inputs, a matrix of N runners on the given label each grading its shard into its own
/// gradebook artifact, and a merge job that combines them and exports the CSV. It is never the students' template.
/// </summary>
public class InstructorWorkflowTests
{
    TempFolder temp = null!;

    [SetUp]
    public void CreateTemp() => temp = new TempFolder("course-instructor-");

    [TearDown]
    public void DeleteTemp() => temp.Dispose();

    static string Assignment => Hw3Submissions.Assignment;

    WorkflowYaml Export(params string[] options)
    {
        var (exitCode, output) = CourseCli.Run(["export", Assignment, "--instructor", "--out", temp["course"], .. options]);
        Assert.That(exitCode, Is.Zero, output);
        return WorkflowYaml.Load(temp[$"course/.github/workflows/grade-{Assignment}.yml"]);
    }

    static YamlMappingNode JobOf(WorkflowYaml workflow, string name) => WorkflowYaml.Map(WorkflowYaml.Map(workflow.Root, "jobs"), name);

    static IReadOnlyList<YamlMappingNode> StepsOf(YamlMappingNode job) => [.. ((YamlSequenceNode)job["steps"]).Children.Cast<YamlMappingNode>()];

    static YamlMappingNode StepUsing(YamlMappingNode job, string action) =>
        StepsOf(job).Single(s => WorkflowYaml.Text(s, "uses")?.StartsWith(action + "@", StringComparison.Ordinal) == true);

    /// <summary>The job's script: its last step that runs one (the steps before it build the grader).</summary>
    static string Run(YamlMappingNode job) => StepsOf(job).Select(s => WorkflowYaml.Text(s, "run")).Last(r => r is not null)!;

    [Test]
    public void Given_3_shards_and_a_gpu_label_Then_a_matrix_of_3_runners_on_that_label_each_batch_its_shard_into_its_own_gradebook()
    {
        var workflow = Export("--shards", "3", "--runner-label", "self-hosted,gpu");
        var grade = JobOf(workflow, "grade");

        var matrix = WorkflowYaml.Map(WorkflowYaml.Map(grade, "strategy"), "matrix");
        Assert.That(((YamlSequenceNode)matrix["shard"]).Children.Select(n => ((YamlScalarNode)n).Value), Is.EqualTo(new[] { "1", "2", "3" }));
        Assert.That(WorkflowYaml.Text(WorkflowYaml.Map(grade, "strategy"), "fail-fast"), Is.EqualTo("false"), "one failed shard does not cancel the others");
        Assert.That(((YamlSequenceNode)grade["runs-on"]).Children.Select(n => ((YamlScalarNode)n).Value), Is.EqualTo(new[] { "self-hosted", "gpu" }));
        var run = Run(grade);
        Assert.That(run, Does.Contain($"dotnet run --project grader/Course.Cli -c Release --no-build -- batch {Assignment} \"${{source[@]}}\" \"${{deadline[@]}}\" " +
            "--shard ${{ matrix.shard }}/3 --gradebook shard-${{ matrix.shard }}.db"));
        var upload = WorkflowYaml.Map(StepUsing(grade, "actions/upload-artifact"), "with");
        Assert.That((WorkflowYaml.Text(upload, "name"), WorkflowYaml.Text(upload, "path")),
            Is.EqualTo(($"gradebook-{Assignment}-shard-${{{{ matrix.shard }}}}", "shard-${{ matrix.shard }}.db")));
        Assert.That(WorkflowYaml.Text(StepUsing(grade, "actions/upload-artifact"), "if"), Is.EqualTo("${{ !cancelled() }}"), "a shard with grader errors still uploads what it graded");
    }

    [Test]
    public void Given_the_defaults_Then_10_shards_run_on_ubuntu_latest()
    {
        var grade = JobOf(Export(), "grade");

        var matrix = WorkflowYaml.Map(WorkflowYaml.Map(grade, "strategy"), "matrix");
        Assert.That(((YamlSequenceNode)matrix["shard"]).Children.Select(n => ((YamlScalarNode)n).Value), Is.EqualTo(Enumerable.Range(1, 10).Select(k => $"{k}")));
        Assert.That(WorkflowYaml.Text(grade, "runs-on"), Is.EqualTo("ubuntu-latest"));
        Assert.That(Run(grade), Does.Contain("--shard ${{ matrix.shard }}/10 "));
    }

    [Test]
    public void Given_the_workflow_Then_it_is_dispatched_by_hand_with_the_class_inputs_which_reach_the_script_only_as_environment_variables()
    {
        var workflow = Export("--shards", "2");
        var grade = JobOf(workflow, "grade");

        var on = WorkflowYaml.Map(workflow.Root, "on");
        Assert.That(WorkflowYaml.Keys(on), Is.EqualTo(new[] { "workflow_dispatch" }), "never on push: grading a class is the instructors' decision");
        var inputs = WorkflowYaml.Map(WorkflowYaml.Map(on, "workflow_dispatch"), "inputs");
        Assert.That(WorkflowYaml.Keys(inputs), Is.EqualTo(new[] { "org", "prefix", "classroom-assignment", "deadline" }));
        Assert.That(WorkflowYaml.Text(WorkflowYaml.Map(inputs, "prefix"), "default"), Is.EqualTo($"{Assignment}-"));
        var batch = StepsOf(grade).Single(s => WorkflowYaml.Text(s, "id") == "batch");
        var env = WorkflowYaml.Map(batch, "env");
        Assert.That(WorkflowYaml.Text(env, "GITHUB_TOKEN"), Is.EqualTo($"${{{{ secrets.{InstructorWorkflow.TokenSecret} }}}}"));
        Assert.That(WorkflowYaml.Text(env, "DEADLINE"), Is.EqualTo("${{ inputs.deadline }}"));
        Assert.That(StepsOf(grade).Concat(StepsOf(JobOf(workflow, "merge"))).Select(s => WorkflowYaml.Text(s, "run") ?? ""), Has.None.Contain("inputs."),
            "an input pasted into a script could inject commands");
        Assert.That(StepsOf(grade).Select(s => WorkflowYaml.Text(s, "run")).First(r => r is not null), Is.EqualTo("dotnet build grader/Course.Cli -c Release"),
            "built once, before the batch runs it with --no-build");
        Assert.That(WorkflowYaml.Keys(WorkflowYaml.Map(workflow.Root, "permissions")), Is.EqualTo(new[] { "contents" }));
    }

    [Test]
    public void Given_the_workflow_Then_a_merge_job_after_the_shards_downloads_their_gradebooks_merges_them_and_uploads_the_gradebook_and_csv()
    {
        var workflow = Export("--shards", "4");
        var merge = JobOf(workflow, "merge");

        Assert.That(WorkflowYaml.Text(merge, "needs"), Is.EqualTo("grade"));
        Assert.That(WorkflowYaml.Text(merge, "if"), Is.EqualTo("${{ !cancelled() }}"));
        Assert.That(WorkflowYaml.Text(merge, "runs-on"), Is.EqualTo("ubuntu-latest"));
        var download = WorkflowYaml.Map(StepUsing(merge, "actions/download-artifact"), "with");
        Assert.That((WorkflowYaml.Text(download, "pattern"), WorkflowYaml.Text(download, "path"), WorkflowYaml.Text(download, "merge-multiple")),
            Is.EqualTo(($"gradebook-{Assignment}-shard-*", "shards", "true")));
        var run = Run(merge);
        Assert.That(run, Does.Contain($"-- gradebook merge --out {Assignment}.db \"${{shards[@]}}\" || merged=$?\n"));
        Assert.That(run, Does.Contain($"-- gradebook export {Assignment} --gradebook {Assignment}.db --format csv --out {Assignment}.csv\n"));
        Assert.That(run, Does.Contain("-ne 4 ]"), "a missing shard fails the job");
        var upload = WorkflowYaml.Map(StepUsing(merge, "actions/upload-artifact"), "with");
        Assert.That(WorkflowYaml.Text(upload, "path")!.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { $"{Assignment}.db", $"{Assignment}.csv" }));
    }

    /// <summary>
    /// A student whose submission kills the grader's process (a crash .NET cannot catch) stopped their shard's batch, and the
    /// shard's job uploaded what it had: every student of the shard not yet graded was missing from the merged CSV, with
    /// nothing but a red job to say so. The job now runs the batch again, which grades what the dead process left.
    /// </summary>
    [TestCase(new[] { 0 }, 1, 0)]
    [TestCase(new[] { 137, 134, 1 }, 3, 1)]
    [TestCase(new[] { 137, 0 }, 2, 0)]
    [TestCase(new[] { 2 }, 1, 2)]
    public void Given_a_shards_batch_whose_process_dies_When_its_step_runs_Then_the_batch_runs_again_until_it_ends_on_its_own(int[] exits, int runs, int exitCode)
    {
        var grade = JobOf(Export("--shards", "3"), "grade");
        var batch = StepsOf(grade).Single(s => WorkflowYaml.Text(s, "id") == "batch");

        var (code, calls, _) = FakeDotnet.RunScript(temp["run"], WorkflowYaml.Text(batch, "run")!, exits,
            new() { ["ORG"] = "course", ["PREFIX"] = "hw3-attention-", ["CLASSROOM_ASSIGNMENT"] = "", ["DEADLINE"] = "" }, ("matrix.shard", "2"));

        Assert.That(calls, Has.Count.EqualTo(runs));
        Assert.That(calls, Has.All.Contain(" batch hw3-attention --org course --prefix hw3-attention- --shard 2/3 --gradebook shard-2.db"));
        Assert.That(code, Is.EqualTo(exitCode));
    }

    [Test]
    public void Given_a_shards_batch_that_dies_at_every_run_When_its_step_runs_Then_it_stops_after_the_last_run_and_fails()
    {
        var grade = JobOf(Export("--shards", "3"), "grade");
        var batch = StepsOf(grade).Single(s => WorkflowYaml.Text(s, "id") == "batch");

        var (code, calls, _) = FakeDotnet.RunScript(temp["run"], WorkflowYaml.Text(batch, "run")!, [.. Enumerable.Repeat(137, 20)],
            new() { ["ORG"] = "course", ["PREFIX"] = "hw3-attention-", ["CLASSROOM_ASSIGNMENT"] = "", ["DEADLINE"] = "" }, ("matrix.shard", "1"));

        Assert.That((calls.Count, code), Is.EqualTo((InstructorWorkflow.MaxBatchRuns, 1)));
    }

    [TestCase(0, 0)]
    [TestCase(1, 1)]
    [TestCase(2, 2)]
    public void Given_a_merge_that_says_a_shard_is_unfinished_When_the_merge_step_runs_Then_the_csv_is_still_exported_and_the_job_fails(int mergeExit, int exitCode)
    {
        var merge = JobOf(Export("--shards", "2"), "merge");
        Directory.CreateDirectory(temp["run/shards"]);
        File.WriteAllText(temp["run/shards/shard-1.db"], "");
        File.WriteAllText(temp["run/shards/shard-2.db"], "");

        var (code, calls, output) = FakeDotnet.RunScript(temp["run"], Run(merge), [mergeExit, 0, 0], new() { ["GITHUB_STEP_SUMMARY"] = temp["run/summary.md"] });

        Assert.That(code, Is.EqualTo(exitCode));
        Assert.That(calls[0], Does.Contain(" gradebook merge "));
        Assert.That(calls.Skip(1).Select(c => c.Contains("--format csv", StringComparison.Ordinal)).FirstOrDefault(), Is.EqualTo(mergeExit <= 1),
            "an unfinished shard's merge is exported all the same; a merge that failed is not");
        Assert.That(output.Contains("::error::a shard's batch died mid-run", StringComparison.Ordinal), Is.EqualTo(mergeExit == 1));
    }

    [Test]
    public void Given_an_instructor_export_Then_it_writes_the_one_workflow_file_and_no_homework_file()
    {
        Export();

        var files = Directory.EnumerateFiles(temp["course"], "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(temp["course"], f));
        Assert.That(files, Is.EqualTo(new[] { Path.Combine(".github", "workflows", $"grade-{Assignment}.yml") }));
        Assert.That(InstructorWorkflow.PathOf(Assignment), Is.Not.EqualTo(StudentRepo.WorkflowPath));
    }

    [Test]
    public void Given_a_students_template_as_out_When_exported_for_instructors_Then_it_is_refused()
    {
        TemplateExport.Write(Hw3Submissions.Layout, Assignment, temp["template"]);

        var (exitCode, output) = CourseCli.Run("export", Assignment, "--instructor", "--out", temp["template"], "--force");

        Assert.That(exitCode, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain("is a students' template"));
        Assert.That(Directory.Exists(temp["template/.github/workflows"]) && File.Exists(temp[$"template/.github/workflows/grade-{Assignment}.yml"]), Is.False);
    }

    [Test]
    public void Given_an_existing_workflow_When_exported_again_Then_it_is_replaced_only_with_force()
    {
        Export("--shards", "2");

        var (refused, output) = CourseCli.Run("export", Assignment, "--instructor", "--out", temp["course"], "--shards", "5");
        Assert.That(refused, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain("exists; pass --force"));

        var grade = JobOf(Export("--shards", "5", "--force"), "grade");
        Assert.That(Run(grade), Does.Contain("/5 "));
    }

    [TestCase("--shards", "3")]
    [TestCase("--runner-label", "gpu")]
    public void Given_an_instructor_option_without_instructor_Then_it_is_a_usage_error(string option, string value)
    {
        var (exitCode, output) = CourseCli.Run("export", Assignment, "--out", temp["template"], option, value);

        Assert.That(exitCode, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain("go with --instructor"));
        Assert.That(Directory.Exists(temp["template"]), Is.False);
    }

    [TestCase("--shards", "0", "--shards must be from 1 to 256")]
    [TestCase("--shards", "257", "--shards must be from 1 to 256")]
    [TestCase("--runner-label", "gpu\n  evil: true", "is not a runner label")]
    [TestCase("--runner-label", "[a, b]", "is not a runner label")]
    public void Given_a_bad_shard_count_or_label_Then_it_is_a_usage_error(string option, string value, string message)
    {
        var (exitCode, output) = CourseCli.Run("export", Assignment, "--instructor", "--out", temp["course"], option, value);

        Assert.That(exitCode, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain(message));
    }
}
