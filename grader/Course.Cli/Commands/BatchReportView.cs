using Course.Grader.Batch;
using Course.Grader.Report;
using Course.Grader.Score;
using Spectre.Console;

namespace Course.Cli.Commands;

/// <summary>What `course batch` prints when it is done: a row per student, then what changed since their last grade.</summary>
internal static class BatchReportView
{
    public static void Write(IAnsiConsole console, BatchResult result, string gradebookPath)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Student").AddColumn(new TableColumn("Score").RightAligned()).AddColumn("Status").AddColumn("Late").AddColumn("This run").AddColumn("Summary");
        foreach (var outcome in result.Outcomes.OrderBy(o => o.Submission.Student, StringComparer.Ordinal))
        {
            var entry = outcome.Entry;
            table.AddRow(
                Markup.Escape(ReportText.Line(outcome.Submission.Student)),
                entry.IsGrade ? $"{ScoreStage.Format(entry.Score)}/{ScoreStage.Format(entry.MaxScore)}" : "-",
                BatchProgressText.Status(entry.Status),
                entry.Late ? "late" : "",
                outcome.IsGraderError ? "[red]ERROR[/]" : outcome.Skipped ? "already graded" : "graded",
                Markup.Escape(Summary(outcome)));
        }
        console.Write(table);

        var diffs = result.Outcomes
            .Where(o => !o.Skipped && o.Previous is not null && o.Entry.IsGrade)
            .Select(o => GradeDiff.Between(o.Previous!, o.Entry))
            .OrderBy(d => d.Student, StringComparer.Ordinal)
            .ToList();
        var output = console.Profile.Out.Writer;
        if (diffs.Count > 0)
        {
            output.WriteLine($"Changes from the previous grade ({diffs.Count(d => !d.Changed)} unchanged):");
            foreach (var diff in diffs.Where(d => d.Changed)) WriteDiff(output, diff);
        }
        output.WriteLine($"batch{(result.Shard is { } shard ? $" shard {shard}" : "")}: {result.Outcomes.Count} student(s), {result.Graded} graded, {result.Skipped} already graded, " +
            $"{result.GraderErrors} grader error(s); gradebook {gradebookPath}");
    }

    static void WriteDiff(TextWriter output, GradeDiff diff)
    {
        var delta = diff.New.Score - diff.Old.Score;
        output.WriteLine($"  {ReportText.Line(diff.Student)}: {ScoreStage.Format(diff.Old.Score)} → {ScoreStage.Format(diff.New.Score)}/{ScoreStage.Format(diff.New.MaxScore)} " +
            $"({(delta >= 0 ? "+" : "")}{ScoreStage.Format(delta)})" +
            (diff.Old.Status != diff.New.Status ? $", {BatchProgressText.Status(diff.Old.Status)} → {BatchProgressText.Status(diff.New.Status)}" : ""));
        foreach (var test in diff.ChangedTests)
            output.WriteLine($"    {Change(test)} {ReportText.Line(test.Name)}");
    }

    static string Change(TestChange test) => (test.WasPassed, test.NowPassed) switch
    {
        (null, _) => "new   ",
        (_, null) => "gone  ",
        (false, true) => "passes",
        (true, false) => "fails ",
        _ => $"{ScoreStage.Format(test.OldScore)} → {ScoreStage.Format(test.NewScore)} points:",
    };

    /// <summary>The start of the grade's summary: the full text (every note) is in the gradebook's report.</summary>
    static string Summary(BatchOutcome outcome)
    {
        var summary = TextCut.Ellipsis(BatchProgressText.FirstLine(outcome.Entry.Message), SummaryWidth);
        return outcome.PostError is { } post ? $"posting failed: {BatchProgressText.FirstLine(post)}; {summary}" : summary;
    }

    const int SummaryWidth = 80;
}
