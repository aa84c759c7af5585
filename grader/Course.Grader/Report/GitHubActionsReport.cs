using System.Text;
using Course.Grader.Score;

namespace Course.Grader.Report;

/// <summary>
/// What the grader does when run inside GitHub Actions: the step output <c>result</c> for GitHub
/// Classroom's reporter, a job summary, workflow-command annotations, and a <c>Points X/Y</c> notice.
/// </summary>
public static class GitHubActionsReport
{
    public sealed record Environment(string? OutputFile, string? SummaryFile)
    {
        public static Environment FromProcess() => new(
            System.Environment.GetEnvironmentVariable("GITHUB_OUTPUT"),
            System.Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY"));

        public static bool Detected => System.Environment.GetEnvironmentVariable("GITHUB_ACTIONS") == "true";
    }

    /// <summary>Writes the step output and summary files, and returns the workflow commands for stdout.</summary>
    public static string Emit(ReportView view, Environment environment)
    {
        if (environment.OutputFile is { Length: > 0 } output)
            File.AppendAllText(output, $"result={ClassroomResult.Base64(view)}\n");
        if (environment.SummaryFile is { Length: > 0 } summary)
            File.AppendAllText(summary, MarkdownReport.Write(view));
        return Commands(view);
    }

    /// <summary>Annotations for compile errors, banned calls and stubs, then the points notice.</summary>
    public static string Commands(ReportView view)
    {
        var report = view.Report;
        var text = new StringBuilder();
        foreach (var a in report.Annotations)
        {
            var level = a.Level switch { AnnotationLevel.Failure => "error", AnnotationLevel.Warning => "warning", _ => "notice" };
            text.Append("::").Append(level)
                .Append(" file=").Append(Property(a.File))
                .Append(",line=").Append(a.Line)
                .Append(",col=").Append(a.Column)
                .Append(",title=").Append(Property(a.Title))
                .Append("::").Append(Data(a.Message)).Append('\n');
        }
        text.Append("::notice title=").Append(Property(report.Assignment)).Append("::")
            .Append(Data($"Points {ScoreStage.Format(report.Score)}/{ScoreStage.Format(report.MaxScore)}")).Append('\n');
        return text.ToString();
    }

    /// <summary>Escaping of a workflow command's message, as @actions/core does.</summary>
    public static string Data(string value) => value.Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A");

    /// <summary>Escaping of a workflow command's property value.</summary>
    public static string Property(string value) => Data(value).Replace(":", "%3A").Replace(",", "%2C");
}
