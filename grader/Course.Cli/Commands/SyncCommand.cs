using System.ComponentModel;
using Course.Grader.Authoring;
using Course.Grader.Manifest;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Course.Cli.Commands;

/// <summary>`course sync &lt;id&gt; | --all [--check]`: keeps starter/ equal to what reference/ generates.</summary>
internal sealed class SyncCommand(IAnsiConsole console) : Command<SyncCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[id]")]
        [Description("The homework, a folder under reference/ (e.g. hw3-attention).")]
        public string? Id { get; init; }

        [CommandOption("--all")]
        [Description("Every homework under reference/.")]
        public bool All { get; init; }

        [CommandOption("--check")]
        [Description("Write nothing; exit 1 and list the files when the starter is out of date.")]
        public bool Check { get; init; }

        [CommandOption("--root <DIR>")]
        [Description("The course repo (default: the nearest folder upwards holding Course.sln).")]
        public string? Root { get; init; }

        public override ValidationResult Validate() => (Id, All) switch
        {
            (null, false) => ValidationResult.Error("give a homework id or --all"),
            (not null, true) => ValidationResult.Error("give a homework id or --all, not both"),
            _ => ValidationResult.Success(),
        };

        public CourseLayout Layout() => CourseLayout.FindFrom(Root ?? Directory.GetCurrentDirectory());
    }

    public override ValidationResult Validate(CommandContext context, Settings settings)
    {
        if (settings.Root is not null && !Directory.Exists(settings.Root))
            return ValidationResult.Error($"--root: no folder {settings.Root}");
        CourseLayout layout;
        try
        {
            layout = settings.Layout();
        }
        catch (DirectoryNotFoundException e)
        {
            return ValidationResult.Error(e.Message + "; run from the course repo or pass --root");
        }
        var known = layout.HomeworkIds();
        if (settings.Id is { } id && !known.Contains(id))
            return ValidationResult.Error($"unknown homework '{id}'; the homeworks under reference/ are: {(known.Count > 0 ? string.Join(", ", known) : "(none)")}");
        return ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var layout = settings.Layout();
        var ids = settings.Id is { } id ? [id] : layout.HomeworkIds();
        var output = console.Profile.Out.Writer;
        if (ids.Count == 0)
            output.WriteLine("no homeworks under reference/");
        var sync = new StarterSync(layout);
        var failed = false;
        foreach (var homework in ids)
        {
            try
            {
                var report = settings.Check ? sync.Check(homework) : sync.Apply(homework);
                failed |= settings.Check && !report.IsUpToDate;
                new SyncReportView(console, settings.Check).Show(report);
            }
            catch (StarterGenerationException e)
            {
                failed = true;
                output.WriteLine($"{homework}: cannot generate the starter:");
                foreach (var error in e.Errors)
                    output.WriteLine($"  {error}");
            }
        }
        return failed ? ExitCodes.Failed : ExitCodes.Ok;
    }
}
