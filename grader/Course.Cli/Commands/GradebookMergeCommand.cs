using System.ComponentModel;
using Course.Gradebook;
using Course.Grader.Report;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Course.Cli.Commands;

/// <summary>
/// `course gradebook merge --out merged.db a.db b.db …`: combines gradebooks, such as those of the runners of
/// `course batch --shard k/N`, by the rule of <see cref="GradebookMerge"/>.
/// </summary>
internal sealed class GradebookMergeCommand(IAnsiConsole console) : Command<GradebookMergeCommand.Settings>
{
    /// <summary>The conflict rule, as the help and the README state it.</summary>
    public const string Rule =
        "Rows identical in every column but their id are kept once; every other row is kept as history. The rows are ordered by graded_at, " +
        "then by the order of the files given, then by their order in their file, so a student's latest row (their grade) is the one graded last, " +
        "whichever file it came from. Gradebooks of a newer schema version are refused. An input whose batch died mid-run (gradings left in flight) " +
        "is merged as it is, and the command exits 1 naming it and those students.";

    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<gradebooks>")]
        [Description("The SQLite gradebooks to merge, e.g. shard-*.db. " + Rule)]
        public string[] Gradebooks { get; init; } = [];

        [CommandOption("-o|--out <FILE>")]
        [Description("The merged gradebook to write: a new file, never one of the inputs.")]
        public string? Out { get; init; }

        [CommandOption("--force")]
        [Description("Replace --out if it exists.")]
        public bool Force { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out is required: the merged gradebook to write");
            return GradebookMerge.Problem(Out, Gradebooks, Force) is { } problem ? ValidationResult.Error(problem) : ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var output = console.Profile.Out.Writer;
        GradebookMergeResult result;
        try
        {
            result = GradebookMerge.Merge(settings.Out!, settings.Gradebooks, settings.Force);
        }
        catch (InvalidDataException e)
        {
            output.WriteLine($"error: {e.Message}");
            return ExitCodes.Failed;
        }
        output.WriteLine($"merged {result.Inputs} gradebook(s), {result.RowsRead} row(s), into {result.Out}: {result.RowsWritten} row(s), " +
            $"{result.Duplicates} identical row(s) kept once");
        foreach (var input in result.Unfinished)
            output.WriteLine($"error: {input.Path} is unfinished: its batch died while grading {string.Join(", ", input.Students.Select(ReportText.Line))}, " +
                "who have no grade from it, and it may never have reached others; run that batch again (the same command grades what it left) and merge again");
        return result.Unfinished.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
