using System.ComponentModel;
using Course.Gradebook;
using Course.Gradebook.Export;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Course.Cli.Commands;

/// <summary>
/// `course gradebook export &lt;assignment&gt; --format csv|histogram|markdown`: each student's latest grade as a CSV for
/// an LMS import, a PNG histogram of the scores, or a Markdown summary with a pass rate per test.
/// </summary>
internal sealed class GradebookExportCommand(IAnsiConsole console) : Command<GradebookExportCommand.Settings>
{
    public static readonly IReadOnlyList<string> Formats = ["csv", "histogram", "markdown"];

    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<assignment>")]
        [Description("The homework whose grades to export, e.g. hw3-attention.")]
        public string Assignment { get; init; } = "";

        [CommandOption("-f|--format <FORMAT>")]
        [Description("csv (default): student, repository, commit, score, max_score, percent, status, late, submitted_at, graded_at; histogram: a PNG; markdown: a summary.")]
        public string Format { get; init; } = "csv";

        [CommandOption("-o|--out <FILE>")]
        [Description("Where to write it. Default: stdout for csv and markdown, <assignment>-histogram.png for histogram.")]
        public string? Out { get; init; }

        [CommandOption("--gradebook <FILE>")]
        [Description("The SQLite gradebook `course batch` wrote. Default: gradebook.db.")]
        public string Gradebook { get; init; } = "gradebook.db";

        [CommandOption("--pass-percent <PERCENT>")]
        [Description("The score, in percent, that counts as passing in the markdown summary. Default: 50.")]
        public double PassPercent { get; init; } = 50;

        public override ValidationResult Validate()
        {
            if (!Formats.Contains(Format)) return ValidationResult.Error($"--format must be one of {string.Join(", ", Formats)}");
            if (!File.Exists(Gradebook)) return ValidationResult.Error($"--gradebook: no gradebook at {Gradebook}; `course batch` makes one");
            return PassPercent is >= 0 and <= 100 ? ValidationResult.Success() : ValidationResult.Error("--pass-percent must be between 0 and 100");
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var output = console.Profile.Out.Writer;
        using var gradebook = SqliteGradebook.Open(settings.Gradebook);
        var latest = gradebook.Latest(settings.Assignment);
        if (latest.Count == 0)
        {
            var held = gradebook.Assignments();
            output.WriteLine($"error: {gradebook.Path} holds no grades of {settings.Assignment}; it holds {(held.Count == 0 ? "none" : string.Join(", ", held))}");
            return ExitCodes.Failed;
        }
        var summary = GradebookSummary.Of(settings.Assignment, latest, settings.PassPercent);
        switch (settings.Format)
        {
            case "csv":
                WriteText(settings.Out, output, writer => GradeCsv.Write(writer, latest));
                break;
            case "markdown":
                WriteText(settings.Out, output, writer => writer.Write(MarkdownSummary.Write(summary)));
                break;
            case "histogram":
                var path = settings.Out ?? $"{settings.Assignment}-histogram.png";
                ScoreHistogram.WritePng(path, summary, latest);
                output.WriteLine($"wrote {Path.GetFullPath(path)}");
                break;
        }
        return ExitCodes.Ok;
    }

    static void WriteText(string? path, TextWriter stdout, Action<TextWriter> write)
    {
        if (path is null)
        {
            write(stdout);
            return;
        }
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder) Directory.CreateDirectory(folder);
        using var file = new StreamWriter(path);
        write(file);
    }
}
