using System.ComponentModel;
using Course.Grader.Export;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Course.Cli.Commands;

/// <summary>`course export &lt;assignment&gt; --out DIR`: writes the students' template repository for GitHub Classroom.</summary>
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
        [Description("Replace what --out holds, keeping its .git folder, so a clone of the template repository takes the new export as one commit.")]
        public bool Force { get; init; }

        [CommandOption("--root <DIR>")]
        [Description("The course repo (default: the nearest folder upwards holding Course.sln).")]
        public string? Root { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out is required: the folder to write the template repository to") : ValidationResult.Success();
    }

    public override ValidationResult Validate(CommandContext context, Settings settings)
    {
        var assignment = CommandLayout.ValidateAssignment(settings.Root, settings.Assignment, out var layout);
        if (!assignment.Successful) return assignment;
        return ExportTarget.Problem(layout!, settings.Out!, settings.Force) is { } problem
            ? ValidationResult.Error($"--out: {problem}")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        CommandLayout.ValidateAssignment(settings.Root, settings.Assignment, out var layout);
        var output = console.Profile.Out.Writer;
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
}
