using System.Text;
using Course.Grader.Score;

namespace Course.Grader.Report;

/// <summary>
/// Markdown for the job summary, the check run and the feedback comment. Kept under a size limit in UTF-8
/// bytes (1 MiB for a job summary, 65,535 characters for a check run) by cutting details, never the score.
/// </summary>
public static partial class MarkdownReport
{
    public const int JobSummaryLimit = 1024 * 1024;
    public const int CheckRunLimit = 65_535;

    public static string Write(ReportView view, int limit = JobSummaryLimit)
    {
        var report = view.Report;
        var head = new StringBuilder();
        head.AppendLine($"## {Escape(report.Title)} ({report.Assignment}): {ScoreStage.Format(report.Score)}/{ScoreStage.Format(report.MaxScore)} points");
        head.AppendLine();
        head.AppendLine(Escape(report.Summary));
        head.AppendLine();
        head.AppendLine("| | Test | Points | Feedback |");
        head.AppendLine("|---|---|---:|---|");
        foreach (var t in view.Shown)
            head.AppendLine($"| {(t.Passed ? "✅" : "❌")} | {Escape(t.Name)} | {ScoreStage.Format(t.Score)}/{ScoreStage.Format(t.MaxScore)} | {Escape(t.Passed ? "" : ReportView.FirstLine(t.Message))} |");
        if (view.WithheldSummary is { } withheld)
            head.AppendLine($"| 🔒 | Hidden tests | | {Escape(withheld)} |");

        var details = new StringBuilder();
        if (report.Annotations.Count > 0)
        {
            details.AppendLine().AppendLine("### In your code").AppendLine();
            foreach (var a in report.Annotations)
                details.AppendLine($"- `{Code($"{a.File}:{a.Line}")}` **{Escape(a.Title)}**: {Escape(ReportView.FirstLine(a.Message, 400))}");
        }
        var failures = view.Shown.Where(t => !t.Passed).ToList();
        if (failures.Count > 0)
        {
            details.AppendLine().AppendLine("### Failures").AppendLine();
            foreach (var t in failures)
            {
                details.AppendLine($"<details><summary>{EscapeHtml(t.Name)}</summary>").AppendLine();
                details.AppendLine("```text").AppendLine(t.Message.Replace("```", "'''")).AppendLine("```");
                if (t.Output.Length > 0) details.AppendLine("Output:").AppendLine("```text").AppendLine(t.Output.Replace("```", "'''")).AppendLine("```");
                details.AppendLine("</details>").AppendLine();
            }
        }
        var footer = $"\n<sub>grader {report.Provenance.GraderVersion} · tests {report.Provenance.TestSuiteHash[..Math.Min(12, report.Provenance.TestSuiteHash.Length)]}"
                     + (report.Provenance.SubmissionCommit is { } commit ? $" · commit {commit[..Math.Min(12, commit.Length)]}" : "") + "</sub>\n"
                     + (report.SandboxNote is { } sandbox ? $"<sub>{Escape(sandbox)}</sub>\n" : "");

        var text = head.ToString() + details + footer;
        if (Bytes(text) <= limit) return text;
        const string cut = "\n_Details were cut to fit; the full report is in the job's artifacts._\n";
        var room = limit - Bytes(head.ToString()) - Bytes(footer) - Bytes(cut) - MaxCloserBytes;
        var kept = Prefix(details.ToString(), room);
        var body = head.ToString() + kept + Closer(kept) + cut + footer;
        return Bytes(body) <= limit ? body : Prefix(body, limit);
    }

    const int MaxCloserBytes = 16;

    /// <summary>
    /// Closes the code block and the &lt;details&gt; a cut left open, so that the cut notice shows as text. Only this writer's
    /// own lines count: a fence starts a line (a message's ``` became '''), and a &lt;details&gt; tag it wrote starts a line
    /// outside every fence, where a failure's text, always fenced, cannot put one (red team 16's leftover: a message holding
    /// "&lt;/details&gt;" made a cut section look closed).
    /// </summary>
    static string Closer(string kept)
    {
        bool fenceOpen = false;
        int detailsOpen = 0;
        foreach (var line in kept.Split('\n'))
        {
            if (line.StartsWith("```", StringComparison.Ordinal)) fenceOpen = !fenceOpen;
            else if (!fenceOpen && line.StartsWith("<details>", StringComparison.Ordinal)) detailsOpen++;
            else if (!fenceOpen && line.StartsWith("</details>", StringComparison.Ordinal)) detailsOpen--;
        }
        return (fenceOpen ? "\n```\n" : "") + (detailsOpen > 0 ? "</details>\n" : "");
    }

    // GitHub limits a job summary in bytes; UTF-8 bytes never undercount characters, so one measure serves both limits.
    static int Bytes(string text) => Encoding.UTF8.GetByteCount(text);

    /// <summary>The longest start of the text that fits in the given UTF-8 bytes, never splitting a character.</summary>
    static string Prefix(string text, int maxBytes)
    {
        if (Bytes(text) <= maxBytes) return text;
        int bytes = 0, chars = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > maxBytes) break;
            bytes += rune.Utf8SequenceLength;
            chars += rune.Utf16SequenceLength;
        }
        return text[..chars];
    }

    /// <summary>
    /// Escapes text for a line of raw HTML, such as a <c>&lt;details&gt;</c> summary, where GitHub reads no Markdown (a
    /// backslash would show as itself): HTML's own escapes, one line, and a zero-width space after each <c>@</c> and <c>#</c>.
    /// </summary>
    public static string EscapeHtml(string text) =>
        System.Net.WebUtility.HtmlEncode(text.Replace("\r", "", StringComparison.Ordinal).Replace('\n', ' ')
            .Replace("#", "#\u200B", StringComparison.Ordinal).Replace("@", "@\u200B", StringComparison.Ordinal));

    /// <summary>
    /// Escapes text for a Markdown table cell or line, so that text a student's code chose (a failure message, a returned
    /// string) shows as the characters it is and does nothing else in GitHub's Markdown:
    /// - no HTML (<c>&lt;</c>, <c>&gt;</c>) and no character reference (<c>&amp;commat;</c> would show as <c>@</c>): <c>&amp;</c> is escaped;
    /// - no link, image or footnote (<c>[Regrade: 100/100](https://…)</c>, <c>![…](…)</c>): brackets are escaped, and a
    ///   bare URL or <c>www.</c> gets a zero-width space that keeps GitHub from linking it;
    /// - no code span, bold, strike-through or math (<c>$\color{green}…$</c>) that could dress a message up as the grader's own words;
    /// - no mention of a GitHub user or team (whom the feedback comment would notify in the course account's name) and no
    ///   cross-reference to an issue: a zero-width space after each <c>@</c> and <c>#</c>;
    /// - no emphasis by underscores (<c>__bold__</c>) and no emoji shortcode (<c>:white_check_mark:</c>, <c>:100:</c>): an
    ///   underscore is escaped unless it joins two letters or digits, where GitHub never reads one as emphasis (so test names
    ///   read as written), and a colon before a letter, + or -, or before digits that a colon closes, gets a zero-width space
    ///   (a file's line, <c>Head.cs:17</c>, stays as it is);
    /// - no issue reference by GitHub's other shorthand, <c>GH-123</c>: a zero-width space before its dash;
    /// - one line, with table pipes escaped.
    /// </summary>
    /// <summary>Text for inside a one-backtick code span, which a backtick would close: a place such as <c>Bigram.cs:50</c>.</summary>
    static string Code(string text) => text.Replace('`', '\'');

    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '_' when !(i > 0 && char.IsLetterOrDigit(text[i - 1]) && i + 1 < text.Length && char.IsLetterOrDigit(text[i + 1])):
                    escaped.Append("\\_"); break;
                case ':' when i + 1 < text.Length && (char.IsLetter(text[i + 1]) || text[i + 1] is '+' or '-' || DigitShortcode(text, i + 1)): escaped.Append(":&#8203;"); break;
                case '\\' or '|' or '[' or ']' or '*' or '~' or '`' or '$': escaped.Append('\\').Append(c); break;
                case '&': escaped.Append("&amp;"); break;
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                case '\r': break;
                case '\n': escaped.Append(' '); break;
                case '#': escaped.Append("#&#8203;"); break;
                case '@': escaped.Append("@&#8203;"); break;
                default: escaped.Append(c); break;
            }
        }
        // GitHub links GH-123 to an issue as it does #123 (a red team's leftover, stops 59-61).
        return GitHubIssueShorthand().Replace(escaped.Replace("://", ":&#8203;//").Replace("www.", "www&#8203;.").ToString(), "$1&#8203;-");
    }

    /// <summary>Whether digits from <paramref name="at"/> close with a colon, as an emoji shortcode does (<c>:100:</c>); a file's line (<c>Head.cs:17</c>) does not.</summary>
    static bool DigitShortcode(string text, int at)
    {
        var i = at;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
        return i > at && char.IsAsciiDigit(text[at]) && i < text.Length && text[i] == ':';
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\b(GH)-(?=\d)", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex GitHubIssueShorthand();
}
