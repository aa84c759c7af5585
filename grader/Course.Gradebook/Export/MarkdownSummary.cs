using System.Globalization;
using System.Text;
using Course.Grader.Score;

namespace Course.Gradebook.Export;

/// <summary>The class summary as Markdown, for a course repo's wiki or an instructors' issue.</summary>
public static class MarkdownSummary
{
    public static string Write(GradebookSummary summary)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# {summary.Assignment}: grades of {summary.Students} student(s)\n\n");
        md.Append("| | value |\n| --- | ---: |\n");
        Row(md, "students with a grade", $"{summary.Graded}");
        Row(md, "max score", ScoreStage.Format(summary.MaxScore));
        Row(md, "mean", Percent(summary.Mean));
        Row(md, "median", Percent(summary.Median));
        Row(md, "min / max", $"{Percent(summary.Min)} / {Percent(summary.Max)}");
        Row(md, $"pass rate (≥ {Percent(summary.PassPercent)})",
            $"{summary.Passing}/{summary.Graded} ({Percent(summary.Graded == 0 ? 0 : 100.0 * summary.Passing / summary.Graded)})");
        Row(md, "late", $"{summary.Late}");
        Row(md, "no submission", $"{summary.NoSubmission}");
        Row(md, "grader errors", $"{summary.GraderErrors}");
        if (summary.Tests.Count > 0)
        {
            md.Append("\n## Pass rate per test (hardest first)\n\n| test | passed | rate |\n| --- | ---: | ---: |\n");
            foreach (var test in summary.Tests)
                md.Append(CultureInfo.InvariantCulture, $"| {Escape(test.Name)} | {test.Passed}/{test.Ran} | {Percent(test.Percent)} |\n");
        }
        return md.ToString();
    }

    static void Row(StringBuilder md, string name, string value) => md.Append(CultureInfo.InvariantCulture, $"| {name} | {value} |\n");

    static string Percent(double value) => value.ToString("0.0", CultureInfo.InvariantCulture) + "%";

    static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
