using System.Globalization;
using Course.Grader.Score;
using Spectre.Console;

namespace Course.Grader.Report;

/// <summary>
/// The table a student or instructor reads in a terminal or the Actions log. What a student's code can put in it (a test's
/// name and message, a file, the summary) is written as plain <see cref="Text"/>, never as markup, which would also turn
/// emoji shortcodes into pictures (a red team's message, stop 59, showed a check mark in a FAIL row).
/// </summary>
public static class ConsoleReport
{
    public static void Write(IAnsiConsole console, ReportView view)
    {
        var report = view.Report;
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]{Markup.Escape(report.Title)}[/] ({Markup.Escape(report.Assignment)})")
            .AddColumn("")
            .AddColumn("Test")
            .AddColumn(new TableColumn("Points").RightAligned())
            .AddColumn("Feedback");
        foreach (var t in view.Shown)
            table.AddRow(
                new Markup(t.Passed ? "[green]PASS[/]" : "[red]FAIL[/]"),
                new Text(t.Name),
                new Text($"{ScoreStage.Format(t.Score)}/{ScoreStage.Format(t.MaxScore)}"),
                new Text(t.Passed ? "" : ReportView.FirstLine(t.Message)));
        if (view.WithheldSummary is { } withheld)
            table.AddRow(new Markup("[grey]HIDDEN[/]"), new Text("Hidden tests"), new Text(""), new Text(withheld));
        console.Write(table);

        foreach (var a in report.Annotations.Where(a => a.Title != Annotation.StillAStub))
        {
            console.Write(new Text($"{a.File}({a.Line},{a.Column})", new Style(a.Level == AnnotationLevel.Failure ? Color.Red : Color.Yellow)));
            console.Write(new Text($": {a.Title}: {ReportView.FirstLine(a.Message, 300)}\n"));
        }
        // A starter's stubs in one line, file by file, not one line each (a message audit, stop 60, counted 24 in hw1's
        // starter and 36 in hw7's before the score); the Actions log still annotates each (GitHubActionsReport).
        var stubs = report.Annotations.Where(a => a.Title == Annotation.StillAStub).ToList();
        if (stubs.Count > 0)
            console.Write(new Text($"{Annotation.StillAStub} (the starter's NotImplementedException) in {stubs.Count} place{(stubs.Count == 1 ? "" : "s")}: " +
                string.Join(", ", stubs.GroupBy(a => a.File).Select(f => $"{f.Key} (line{(f.Count() == 1 ? "" : "s")} {string.Join(", ", f.Select(a => a.Line))})")) + "\n",
                new Style(Color.Yellow)));
        console.Write(new Text(report.Summary + "\n"));
        if (report.SandboxNote is { } sandbox)
            console.Write(new Text(sandbox + "\n", new Style(Color.Grey)));
        // The score is the last line, after everything that can quote a student's text: a summary that quotes a name, wrapped
        // at the terminal's width, could otherwise end the report with a line that reads like a score (a red team, stop 61).
        var colour = report.Status != GradeStatus.Graded ? "red" : report.Score >= report.MaxScore ? "green" : "yellow";
        console.MarkupLine($"[bold {colour}]Score: {ScoreStage.Format(report.Score)}/{ScoreStage.Format(report.MaxScore)}[/] ({report.Percent.ToString("0.#", CultureInfo.InvariantCulture)}%)");
    }
}
