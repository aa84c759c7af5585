using System.ComponentModel;
using Course.Grader.Export;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Course.Cli.Commands;

/// <summary>
/// `course export &lt;assignment&gt; --out DIR`: writes the students' template repository for GitHub Classroom; with
/// `--instructor`, instead the instructors' sharded grading workflow for the course repository (<see cref="InstructorWorkflow"/>).
/// </summary>
internal sealed class ExportCommand(IAnsiConsole console) : Command<ExportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<assignment>")]
        [Description("The homework, e.g. hw3-attention.")]
        public string Assignment { get; init; } = "";

        [CommandOption("-o|--out <DIR>")]
        [Description("The folder to write the template repository to; it must be empty or new unless --force.")]
        public string? Out { get; init; }

        [CommandOption("--force")]
        [Description("Replace what --out holds, keeping its .git folder, so a clone of the template repository takes the new export as one commit. With --instructor: replace the workflow file.")]
        public bool Force { get; init; }

        [CommandOption("--instructor")]
        [Description("Write the instructors' grading workflow instead, for the course repository (it holds the hidden tests): --out DIR gets " +
            ".github/workflows/grade-<assignment>.yml, a matrix of --shards runners each running `course batch --shard k/N`, and a job that merges their gradebooks and exports the CSV.")]
        public bool Instructor { get; init; }

        [CommandOption("--shards <N>")]
        [Description("With --instructor: how many runners grade the class at once (1 to 256). Default: 10.")]
        public int? Shards { get; init; }

        [CommandOption("--runner-label <LABEL>")]
        [Description("With --instructor: the grading runners' runs-on label, or several comma-separated (e.g. self-hosted,gpu). Default: ubuntu-latest.")]
        public string? RunnerLabel { get; init; }

        [CommandOption("--root <DIR>")]
        [Description("The course repo (default: the nearest folder upwards holding Course.sln).")]
        public string? Root { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Out))
                return ValidationResult.Error(Instructor
                    ? "--out is required: the course repository's folder (the workflow goes to its .github/workflows/)"
                    : "--out is required: the folder to write the template repository to");
            if (!Instructor && (Shards is not null || RunnerLabel is not null))
                return ValidationResult.Error("--shards and --runner-label go with --instructor (the students' template has no batch to shard)");
            if (Shards is < 1 or > InstructorWorkflow.MaxShards)
                return ValidationResult.Error($"--shards must be from 1 to {InstructorWorkflow.MaxShards} (GitHub's limit on a matrix), not {Shards}");
            if (RunnerLabel is not null && InstructorWorkflow.LabelProblem(RunnerLabel) is { } label)
                return ValidationResult.Error($"--runner-label: {label}");
            return ValidationResult.Success();
        }
    }

    public override ValidationResult Validate(CommandContext context, Settings settings)
    {
        var assignment = CommandLayout.ValidateAssignment(settings.Root, settings.Assignment, out var layout);
        if (!assignment.Successful) return assignment;
        if (settings.Instructor)
            return InstructorWorkflow.Problem(settings.Out!, settings.Assignment, settings.Force) is { } instructor
                ? ValidationResult.Error($"--out: {instructor}")
                : ValidationResult.Success();
        return ExportTarget.Problem(layout!, settings.Out!, settings.Force) is { } problem
            ? ValidationResult.Error($"--out: {problem}")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        CommandLayout.ValidateAssignment(settings.Root, settings.Assignment, out var layout);
        var output = console.Profile.Out.Writer;
        if (settings.Instructor) return WriteInstructorWorkflow(layout!, settings, output);
        ExportedTemplate template;
        try
        {
            template = TemplateExport.Write(layout!, settings.Assignment, settings.Out!, settings.Force);
        }
        catch (ExportException e)
        {
            output.WriteLine($"error: {e.Message}");
            return ExitCodes.Failed;
        }

        var manifest = template.Manifest;
        output.WriteLine($"exported {manifest.Id} to {template.Root} ({template.Files.Count} files)");
        output.WriteLine($"  student project  {manifest.Project}/ (graded: {string.Join(", ", manifest.StudentFiles)})");
        output.WriteLine($"  public tests     {manifest.PublicTests}/ (run with dotnet test)");
        output.WriteLine("  handout          README.md");
        output.WriteLine($"  workflow         {StudentRepo.WorkflowPath} (grades the public tests on every push)");
        output.WriteLine($"  grader           {StudentRepo.CourseFolder}/ (its sources, and the trusted manifest, starter and public tests)");
        output.WriteLine("not exported: the reference, the hidden tests and their goldens, the examples, the other homeworks");
        output.WriteLine("next: commit it (git init; git add -A; git commit), push it to GitHub, mark the repository as a template and use it for the Classroom assignment");
        return ExitCodes.Ok;
    }

    static int WriteInstructorWorkflow(Course.Grader.Manifest.CourseLayout layout, Settings settings, TextWriter output)
    {
        var shards = settings.Shards ?? 10;
        var label = settings.RunnerLabel ?? InstructorWorkflow.DefaultRunnerLabel;
        var path = InstructorWorkflow.Write(layout.LoadManifest(settings.Assignment), settings.Out!, shards, label);
        output.WriteLine($"wrote the instructor workflow {path}");
        output.WriteLine($"  for the course repository (it holds the hidden tests), never the students' template: commit it there as {InstructorWorkflow.PathOf(settings.Assignment)}");
        output.WriteLine($"  {shards} runner(s) on {label}, each `course batch {settings.Assignment} --shard k/{shards}`; then `course gradebook merge` and the CSV, as the artifact grades-{settings.Assignment}");
        output.WriteLine($"next: add the secret {InstructorWorkflow.TokenSecret} (a token that reads the students' repositories), then run it from the Actions tab with an org and prefix or a Classroom assignment id");
        return ExitCodes.Ok;
    }
}
