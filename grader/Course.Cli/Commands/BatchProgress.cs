using Course.Grader.Batch;
using Course.Grader.Report;
using Course.Grader.Score;
using Spectre.Console;

namespace Course.Cli.Commands;

/// <summary>A line per finished student, for consoles that are not interactive (CI logs, pipes, tests).</summary>
internal sealed class BatchProgressLines(TextWriter output) : IProgress<BatchEvent>
{
    readonly Lock gate = new();
    int total;
    int done;

    public void Report(BatchEvent value)
    {
        lock (gate)
        {
            switch (value)
            {
                case BatchListed listed:
                    total = listed.Submissions.Count;
                    output.WriteLine(listed.Shard is { } shard
                        ? $"shard {shard}: {total} of {listed.Listed} submission(s) to grade or skip"
                        : $"{total} submission(s) to grade or skip");
                    if (listed.Retries > 0)
                        output.WriteLine($"{listed.Retries} of them an earlier run's process died while grading: they go first, one at a time, " +
                            "and one it dies on again is recorded as a grader error");
                    break;
                case GradingFinished finished:
                    output.WriteLine($"[{++done}/{total}] {BatchProgressText.Describe(finished.Outcome)}");
                    break;
            }
        }
    }
}

/// <summary>A live progress bar naming the students being graded, for an interactive terminal.</summary>
internal sealed class BatchProgressBar(ProgressTask task) : IProgress<BatchEvent>
{
    readonly Lock gate = new();
    readonly SortedSet<string> grading = new(StringComparer.Ordinal);
    string shard = "";

    public void Report(BatchEvent value)
    {
        lock (gate)
        {
            switch (value)
            {
                case BatchListed listed:
                    task.MaxValue = Math.Max(1, listed.Submissions.Count);
                    shard = listed.Shard is { } share ? $"shard {share} " : "";
                    break;
                case GradingStarted started:
                    grading.Add(ReportText.Line(started.Submission.Student));
                    break;
                case GradingFinished finished:
                    grading.Remove(ReportText.Line(finished.Outcome.Submission.Student));
                    task.Increment(1);
                    break;
            }
            task.Description = Markup.Escape(shard + (grading.Count == 0 ? "grading" : "grading " + string.Join(", ", grading)));
        }
    }
}

/// <summary>How a finished student reads in progress lines.</summary>
internal static class BatchProgressText
{
    public static string Describe(BatchOutcome outcome)
    {
        var entry = outcome.Entry;
        var line = $"{ReportText.Line(outcome.Submission.Student)}: " + (entry.IsGrade
            ? $"{ScoreStage.Format(entry.Score)}/{ScoreStage.Format(entry.MaxScore)} {Status(entry.Status)}{(entry.Late ? ", late" : "")}"
            : $"GRADER ERROR: {FirstLine(entry.Message)}");
        if (outcome.Skipped) line += " (already graded)";
        if (outcome.PostError is { } post) line += $"; posting failed: {FirstLine(post)}";
        return line;
    }

    public static string Status(EntryStatus status) => status switch
    {
        EntryStatus.Graded => "graded",
        EntryStatus.CompileError => "compile error",
        EntryStatus.Rejected => "rejected",
        EntryStatus.NoSubmission => "no submission",
        EntryStatus.Error => "grader error",
        _ => status.ToString(),
    };

    /// <summary>The first line, clean of control characters: gradebook rows may predate <see cref="ReportText"/>.</summary>
    public static string FirstLine(string text) => ReportText.Line(text.Split('\n', 2)[0]).Trim();
}
