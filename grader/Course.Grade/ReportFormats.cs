using Course.Grader.Report;
using Spectre.Console;

namespace Course.Grade;

/// <summary>The report formats `course grade` can print or write.</summary>
internal static class ReportFormats
{
    public static readonly IReadOnlyList<string> Names = ["console", "json", "classroom", "gradescope", "junit", "markdown"];

    /// <summary>Formats a program parses (JSON, XML): nothing else may go to stdout with them.</summary>
    public static bool IsMachineReadable(string format) => format is not ("console" or "markdown");

    /// <param name="actions">Running under GitHub Actions: JSON and XML are printed with nothing the runner would take for a workflow command.</param>
    public static void Print(IAnsiConsole console, ReportView view, string format, bool actions = false)
    {
        var writer = console.Profile.Out.Writer;
        string Inert(string document, bool xml = false) => actions ? GitHubActionsReport.Inert(document, xml) : document;
        switch (format)
        {
            case "console": ConsoleReport.Write(console, view); break;
            case "json": writer.WriteLine(Inert(JsonReport.Write(view.Report))); break;
            case "classroom": writer.WriteLine(Inert(ClassroomResult.Json(view))); break;
            case "gradescope": writer.WriteLine(Inert(GradescopeResults.Json(view))); break;
            case "junit": writer.WriteLine(Inert(JUnitReport.Write(view), xml: true)); break;
            case "markdown": writer.Write(MarkdownReport.Write(view)); break;
            default: throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }

    public static void WriteAll(ReportView view, string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "report.json"), JsonReport.Write(view.Report));
        File.WriteAllText(Path.Combine(directory, "classroom.json"), ClassroomResult.Json(view));
        File.WriteAllText(Path.Combine(directory, "results.json"), GradescopeResults.Json(view));
        File.WriteAllText(Path.Combine(directory, "junit.xml"), JUnitReport.Write(view));
        File.WriteAllText(Path.Combine(directory, "summary.md"), MarkdownReport.Write(view));
    }
}
