using System.Globalization;
using Course.Grader.Score;
using Spectre.Console;

namespace Course.Grader.Report;

/// <summary>The table a student or instructor reads in a terminal or the Actions log.</summary>
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
                t.Passed ? "[green]PASS[/]" : "[red]FAIL[/]",
                Markup.Escape(t.Name),
                $"{ScoreStage.Format(t.Score)}/{ScoreStage.Format(t.MaxScore)}",
                Markup.Escape(t.Passed ? "" : ReportView.FirstLine(t.Message)));
        if (view.WithheldSummary is { } withheld)
            table.AddRow("[grey]HIDDEN[/]", "Hidden tests", "", Markup.Escape(withheld));
        console.Write(table);

        foreach (var a in report.Annotations)
            console.MarkupLine($"[{(a.Level == AnnotationLevel.Failure ? "red" : "yellow")}]{Markup.Escape($"{a.File}({a.Line},{a.Column})")}[/]: {Markup.Escape(a.Title)}: {Markup.Escape(ReportView.FirstLine(a.Message, 300))}");
        var colour = report.Status != GradeStatus.Graded ? "red" : report.Score >= report.MaxScore ? "green" : "yellow";
        console.MarkupLine($"[bold {colour}]Score: {ScoreStage.Format(report.Score)}/{ScoreStage.Format(report.MaxScore)}[/] ({report.Percent.ToString("0.#", CultureInfo.InvariantCulture)}%)");
        console.MarkupLine(Markup.Escape(report.Summary));
        if (report.SandboxNote is { } sandbox)
            console.MarkupLine($"[grey]{Markup.Escape(sandbox)}[/]");
    }
}
