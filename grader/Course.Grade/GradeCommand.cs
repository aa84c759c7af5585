using System.ComponentModel;
using Course.Grader.Manifest;
using Course.Grader.Pipeline;
using Course.Grader.Report;
using Course.Grader.Workspace;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Course.Grade;

/// <summary>The options of grading one submission, as <c>course-grade</c> takes them; <c>course grade</c> adds its publishing options.</summary>
internal class GradeSettings : CommandSettings
{
    [CommandArgument(0, "<assignment>")]
    [Description("The homework, e.g. hw3-attention.")]
    public string Assignment { get; init; } = "";

    [CommandOption("-s|--submission <SUBMISSION>")]
    [Description("A folder, a .zip, a .tar.gz, or a git URL or repository with an optional @ref. Default: the homework's bundled example submission.")]
    public string? Submission { get; init; }

    [CommandOption("-f|--format <FORMAT>")]
    [Description("What to print: console (default), json, classroom, gradescope, junit or markdown.")]
    public string Format { get; init; } = "console";

    [CommandOption("-o|--out <DIR>")]
    [Description("Also write every format into DIR: report.json, classroom.json, results.json, junit.xml, summary.md.")]
    public string? Out { get; init; }

    [CommandOption("--public-only")]
    [Description("Run only the public tests, as in a student's own repository.")]
    public bool PublicOnly { get; init; }

    [CommandOption("--show-hidden")]
    [Description("Show hidden tests one by one; they are anyway once the manifest's due_date has passed.")]
    public bool ShowHidden { get; init; }

    [CommandOption("--root <DIR>")]
    [Description("The course repo (default: the nearest folder upwards holding Course.sln).")]
    public string? Root { get; init; }

    public override ValidationResult Validate() =>
        ReportFormats.Names.Contains(Format)
            ? ValidationResult.Success()
            : ValidationResult.Error($"--format must be one of {string.Join(", ", ReportFormats.Names)}");
}

/// <summary>
/// Grades one submission and reports it: prints the chosen format, writes every format with --out, and under GitHub
/// Actions sets the step output and annotations. <see cref="AfterReportAsync"/> is where <c>course grade --post</c> publishes.
/// </summary>
internal class GradeCommand<TSettings>(IAnsiConsole console) : AsyncCommand<TSettings> where TSettings : GradeSettings
{
    public override ValidationResult Validate(CommandContext context, TSettings settings) =>
        CommandLayout.ValidateAssignment(settings.Root, settings.Assignment, out _);

    public override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        CommandLayout.ValidateAssignment(settings.Root, settings.Assignment, out var layout);
        Submission submission;
        try
        {
            submission = settings.Submission is { } given
                ? Submission.Parse(given)
                : new Submission(SubmissionKind.Folder, BundledExample(layout!, settings.Assignment));
        }
        catch (SubmissionException e)
        {
            console.Profile.Out.Writer.WriteLine($"error: --submission: {e.Message}");
            return ExitCodes.BadArguments;
        }

        var report = await GradePipeline.GradeAsync(new GradeRequest(settings.Assignment, submission, layout!, IncludeHidden: !settings.PublicOnly), cancellationToken);
        var view = new ReportView(report, settings.ShowHidden || layout!.LoadManifest(settings.Assignment).IsPastDue(report.GradedAt));
        if (settings.Out is { } outDir) ReportFormats.WriteAll(view, outDir);
        var actions = GitHubActionsReport.Environment.Detected;
        // Under Actions, a report for people is read by the runner too: none of the student's text in it may be taken for a
        // workflow command. A machine-readable one is printed as is, with nothing in it the runner would take for one.
        using (ReportFormats.IsMachineReadable(settings.Format) ? null : StopCommandsBlock.Open(console.Profile.Out.Writer, actions))
            ReportFormats.Print(console, view, settings.Format, actions);
        if (actions)
        {
            var workspace = Environment.GetEnvironmentVariable("GITHUB_WORKSPACE") ?? Directory.GetCurrentDirectory();
            var inWorkspace = WorkspaceAnnotations.InWorkspace(view, submission, layout!.LoadManifest(settings.Assignment), workspace);
            var commands = GitHubActionsReport.Emit(inWorkspace, GitHubActionsReport.Environment.FromProcess());
            // The runner reads workflow commands from stderr too; on stdout they would corrupt JSON or XML piped to a file.
            (ReportFormats.IsMachineReadable(settings.Format) ? Console.Error : console.Profile.Out.Writer).Write(commands);
        }
        return await AfterReportAsync(console, settings, view, submission, layout!, cancellationToken);
    }

    /// <summary>Runs once the grade is reported; its exit code is the command's.</summary>
    protected virtual Task<int> AfterReportAsync(IAnsiConsole console, TSettings settings, ReportView view, Submission submission, CourseLayout layout, CancellationToken cancellationToken) =>
        Task.FromResult(ExitCodes.Ok);

    /// <summary>assignments/&lt;id&gt;/examples/partial: a half-done submission that shows what feedback looks like.</summary>
    static string BundledExample(CourseLayout layout, string assignment)
    {
        var path = Path.Combine(layout.AssignmentDir(assignment), "examples", "partial");
        return Directory.Exists(path) ? path : throw new SubmissionException($"{assignment} has no bundled example at {path}; pass --submission");
    }
}

/// <summary><c>course-grade &lt;assignment&gt; [--submission ...]</c>: grading alone, with nothing to publish.</summary>
internal sealed class GradeCommand(IAnsiConsole console) : GradeCommand<GradeSettings>(console);
