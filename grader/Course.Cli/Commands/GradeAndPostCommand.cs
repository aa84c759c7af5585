using Course.Grader.Manifest;
using Course.Grader.Report;
using Course.Grader.Workspace;
using Spectre.Console;

namespace Course.Cli.Commands;

/// <summary>`course grade &lt;assignment&gt; [--submission ...] [--post]`: Course.Grade's command, then publishing with --post.</summary>
internal sealed class GradeAndPostCommand(IAnsiConsole console) : GradeCommand<PublishOptions>(console)
{
    protected override Task<int> AfterReportAsync(IAnsiConsole console, PublishOptions settings, ReportView view, Submission submission, CourseLayout layout, CancellationToken cancellationToken) =>
        settings.PostAsync(console, view, submission, layout, cancellationToken);
}
