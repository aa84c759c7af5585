using System.ComponentModel;
using Course.Grader.Authoring;
using Course.Grader.Manifest;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Course.Cli.Commands;

/// <summary>`course new &lt;id&gt; --title ... --project ...`: scaffolds a complete homework that `course validate` passes at once.</summary>
internal sealed class NewCommand(IAnsiConsole console) : Command<NewCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<id>")]
        [Description("The new homework's id: lowercase letters, digits and hyphens (e.g. hw10-example).")]
        public string Id { get; init; } = "";

        [CommandOption("--title <TITLE>")]
        [Description("Its title, as reports and the handout show it (e.g. \"Sparse probing\").")]
        public string? Title { get; init; }

        [CommandOption("--project <NAME>")]
        [Description("Its C# project and namespace, a dotted identifier (e.g. Hw10.Example); the tests get .Tests and .HiddenTests.")]
        public string? Project { get; init; }

        [CommandOption("--root <DIR>")]
        [Description("The course repo (default: the nearest folder upwards holding Course.sln).")]
        public string? Root { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Title) ? ValidationResult.Error("--title is required: the homework's title")
            : string.IsNullOrWhiteSpace(Project) ? ValidationResult.Error("--project is required: the homework's C# project name, e.g. Hw10.Example")
            : ValidationResult.Success();
    }

    public override ValidationResult Validate(CommandContext context, Settings settings)
    {
        if (settings.Root is not null && !Directory.Exists(settings.Root))
            return ValidationResult.Error($"--root: no folder {settings.Root}");
        CourseLayout layout;
        try
        {
            layout = CourseLayout.FindFrom(settings.Root ?? Directory.GetCurrentDirectory());
        }
        catch (DirectoryNotFoundException e)
        {
            return ValidationResult.Error(e.Message + "; run from the course repo or pass --root");
        }
        return NewHomework.Problem(layout, settings.Id, settings.Project!, settings.Title!) is { } problem
            ? ValidationResult.Error(problem)
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var layout = CourseLayout.FindFrom(settings.Root ?? Directory.GetCurrentDirectory());
        var output = console.Profile.Out.Writer;
        NewHomeworkResult result;
        try
        {
            result = NewHomework.Create(layout, settings.Id, settings.Project!, settings.Title!);
        }
        catch (NewHomeworkException e)
        {
            output.WriteLine($"error: {e.Message}");
            return ExitCodes.Failed;
        }

        var id = result.Id;
        output.WriteLine($"created {id} ({result.Files.Count} files; the example is one function, Scale(x, factor), worth 100 points):");
        foreach (var file in result.Files)
            output.WriteLine($"  {file}");
        output.WriteLine($"added to {CourseLayout.SolutionFileName}: {string.Join(", ", result.SolutionProjects)}");
        output.WriteLine("next:");
        output.WriteLine($"  dotnet run --project grader/Course.Cli -- validate {id}      # passes as generated");
        output.WriteLine($"  replace the example in reference/{id}/{result.Project}/ and its tests, then `course sync {id}`");
        output.WriteLine($"  dotnet run --project grader/Course.Cli -- export {id} --out ../{id}-template");
        output.WriteLine("  docs/authoring.md: the manifest's keys, the test SDK, goldens, variants and what validate checks");
        return ExitCodes.Ok;
    }
}
