using System.Globalization;
using Course.Grader.Batch;
using Course.Grader.Report;
using CsvHelper;

namespace Course.Gradebook.Export;

/// <summary>
/// One student's line of the exported CSV, in the columns LMS gradebook imports map (a student column and a points
/// column) and GitHub Classroom's own grade export uses (repository, points awarded and available):
/// <c>student, repository, commit, score, max_score, percent, status, late, submitted_at, submitted_at_source, graded_at</c>.
/// </summary>
/// <param name="Score">Points; empty for a grader error (no grade).</param>
/// <param name="MaxScore">The assignment's points available; for a student without a graded submission, that of the others.</param>
/// <param name="Status">graded, compile_error, rejected, no_submission or error.</param>
/// <param name="SubmittedAt">ISO 8601 UTC, from the source's time (push, commit, manifest or file time); empty when unknown.</param>
/// <param name="SubmittedAtSource">Where <paramref name="SubmittedAt"/> comes from: pushed (GitHub's push time), committed (the
/// commit's own date, which a student can set), manifest (the <c>--dir</c> folder's submissions.csv), file_time (the newest
/// file), or none.</param>
[CsvRecord]
public sealed partial record GradeCsvRow(
    [CsvColumn("student")] string Student,
    [CsvColumn("repository")] string Repository,
    [CsvColumn("commit")] string Commit,
    [CsvColumn("score")] double? Score,
    [CsvColumn("max_score")] double MaxScore,
    [CsvColumn("percent")] double? Percent,
    [CsvColumn("status")] string Status,
    [CsvColumn("late")] bool Late,
    [CsvColumn("submitted_at")] string SubmittedAt,
    [CsvColumn("submitted_at_source")] string SubmittedAtSource,
    [CsvColumn("graded_at")] string GradedAt);

/// <summary>The gradebook as CSV: a header, then one row per student with their latest grade.</summary>
public static class GradeCsv
{
    /// <summary>
    /// RFC 4180 (CRLF) with lower-case booleans, as spreadsheets and LMS imports read them; a text field that a spreadsheet
    /// would run as a formula (a folder named "=cmd|…") gets a leading apostrophe. A formula can also start after a
    /// separator that is not this file's: Excel in much of Europe splits a .csv at ';', LibreOffice at whatever its import
    /// dialog ticks (a tab, a space), and a red team (stop 61, b01) named a submission <c>x;=1+2;</c>. So every text
    /// field is quoted unless it is made only of characters no reader splits at (<see cref="Plain"/>), and inside quotes no
    /// reader splits.
    /// </summary>
    public static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        TrueValue = "true",
        FalseValue = "false",
        Injection = CsvInjection.Escape,
        ShouldQuote = (field, type, _, _) => type == typeof(string) && !Plain(field),
    };

    /// <summary>Letters, digits and <c>_ . : / @ + -</c>, ASCII: an id, a path, a time, a status; nothing a reader splits a field at.</summary>
    static bool Plain(ReadOnlySpan<char> field)
    {
        foreach (var c in field)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or ':' or '/' or '@' or '+' or '-')) return false;
        return true;
    }

    public static void Write(TextWriter writer, IReadOnlyList<GradebookEntry> latest)
    {
        var maxScore = latest.Where(e => e.MaxScore > 0).OrderBy(e => e.Id).Select(e => e.MaxScore).LastOrDefault();
        using var csv = CsvWriter.Create(writer, Options, leaveOpen: true);
        csv.WriteRecords(latest.Select(e => Row(e, maxScore)));
    }

    static GradeCsvRow Row(GradebookEntry entry, double maxScore)
    {
        var max = entry.MaxScore > 0 ? entry.MaxScore : maxScore;
        double? score = entry.IsGrade ? entry.Score : null;
        return new GradeCsvRow(
            Visible(entry.Student), Visible(entry.Repository), Visible(entry.Commit ?? ""), score, max,
            score is { } s && max > 0 ? Math.Round(100 * s / max, 2) : null,
            GradebookColumns.Name(entry.Status), entry.Late,
            entry.SubmittedAt is { } at ? Iso(at) : "", GradebookColumns.Name(entry.TimeSource), Iso(entry.GradedAt));
    }

    /// <summary>
    /// A student's name (a <c>--dir</c> download's file name, which an LMS builds partly from the name the student uploaded)
    /// with every character that the console's reports remove (<see cref="ReportText.IsUnsafe"/>: controls, line breaks,
    /// escapes, bidi controls, invisible and tag characters) shown as <c>&lt;U+XXXX&gt;</c>. The CSV went out raw: printed to
    /// a terminal (its default is stdout) it carried escape sequences; a line break started what a line-based LMS import
    /// reads as a row of its own; and a zero-width space or a bidi override made a name look like another student's.
    /// Shown rather than removed, so that two names never become one.
    /// </summary>
    internal static string Visible(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (ReportText.IsTag(text, i))
            {
                builder.Append(CultureInfo.InvariantCulture, $"<U+{char.ConvertToUtf32(text[i], text[i + 1]):X5}>");
                i++;
            }
            else if (ReportText.IsUnsafe(text[i]))
                builder.Append(CultureInfo.InvariantCulture, $"<U+{(int)text[i]:X4}>");
            else
                builder.Append(text[i]);
        }
        return builder.ToString();
    }

    static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
