using Course.Grader.Authoring;
using Spectre.Console;

namespace Course.Cli.Commands;

/// <summary>Prints a sync report as plain lines, one per file, never wrapped, so CI logs read well.</summary>
internal sealed class SyncReportView(IAnsiConsole console, bool checkOnly)
{
    private readonly TextWriter output = console.Profile.Out.Writer;

    public void Show(SyncReport report)
    {
        if (report.IsUpToDate)
        {
            output.WriteLine($"{report.Id}: starter is up to date");
            return;
        }
        output.WriteLine(checkOnly ? $"{report.Id}: starter is out of date" : $"{report.Id}: starter regenerated");
        Files(checkOnly ? "stale" : "updated", report, report.Stale);
        Files(checkOnly ? "missing" : "added", report, report.Missing);
        Files(checkOnly ? "extra" : "deleted", report, report.Extra);
        if (checkOnly)
            output.WriteLine($"run 'course sync {report.Id}' to regenerate starter/{report.Id}");
    }

    private void Files(string label, SyncReport report, IReadOnlyList<string> paths)
    {
        foreach (var path in paths)
            output.WriteLine($"  {label,-8} starter/{report.Id}/{path}");
    }
}
