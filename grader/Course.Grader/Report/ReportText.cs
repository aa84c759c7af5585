using System.Text;
using Course.Grader.Score;

namespace Course.Grader.Report;

/// <summary>
/// Text fit for a report, whatever a student put in a file name, a test message or their program's output. Control
/// characters (C0, DEL, C1) go, and with them terminal escape sequences; so do the bidi overrides, isolates and marks that
/// make text read differently from what it says (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), the invisible
/// characters that show and join nothing (U+200B, U+2060–U+2064, U+FEFF, U+180E, and the tag characters U+E0000–U+E007F,
/// which hid text in a red team's messages, stop 59), and lone surrogates become U+FFFD. The joiners (U+200C, U+200D)
/// stay: emoji and some scripts are written with them.
/// A <see cref="Line"/> (names, titles) also loses its line breaks, as does the summary, one paragraph of the grader's
/// sentences that can quote a student's text (a name in an archive, a compile error): a red team (stop 61, b02) ended the
/// console's report with a fake "Score: 100/100" line from a zip entry's name. A <see cref="Block"/> (messages, output)
/// keeps <c>\n</c> and <c>\t</c>. Every format is written from a report cleaned once by <see cref="Clean(GradeReport)"/>.
/// Both are also cut to a length (<see cref="MaxLineChars"/>, <see cref="MaxBlockChars"/>): a message the grader writes can
/// quote what a student wrote, such as a type's name in a refusal, which every test's "Not run" message then repeats.
/// </summary>
public static class ReportText
{
    /// <summary>The longest <see cref="Line"/>: a name, a title.</summary>
    public const int MaxLineChars = 1024;

    /// <summary>The longest <see cref="Block"/>: above the 8 KB a test's own message is cut to in the worker, so that cut shows as it was made.</summary>
    public const int MaxBlockChars = 16 * 1024;

    /// <summary>One line: line breaks and tabs become spaces, every other control character goes.</summary>
    public static string Line(string? text) => Cut(Clean(text, multiLine: false), MaxLineChars);

    /// <summary>Lines: <c>\r\n</c>, a lone <c>\r</c>, U+2028 and U+2029 become <c>\n</c>; <c>\n</c> and <c>\t</c> stay; every other control character goes.</summary>
    public static string Block(string? text) => Cut(Clean(text, multiLine: true), MaxBlockChars);

    /// <summary>
    /// At most <paramref name="maxChars"/> characters, the cut said at the end, never splitting a surrogate pair; the same
    /// text cut twice is cut once.
    /// </summary>
    static string Cut(string text, int maxChars)
    {
        if (text.Length <= maxChars) return text;
        var note = string.Create(System.Globalization.CultureInfo.InvariantCulture, $" … [cut: {text.Length:N0} characters in all]");
        return TextCut.Prefix(text, maxChars - note.Length) + note;
    }

    /// <summary>The report with every text field that can carry a student's text made a <see cref="Line"/> or a <see cref="Block"/>.</summary>
    public static GradeReport Clean(GradeReport report) => report with
    {
        Assignment = Line(report.Assignment),
        Title = Line(report.Title),
        Summary = Cut(Clean(report.Summary, multiLine: false), MaxBlockChars),
        Tests = [.. report.Tests.Select(t => t with
        {
            Name = Line(t.Name),
            FullName = Line(t.FullName),
            Suite = Line(t.Suite),
            Method = t.Method is null ? null : Line(t.Method),
            Message = Block(t.Message),
            Output = Block(t.Output),
        })],
        Annotations = [.. report.Annotations.Select(a => a with { File = Line(a.File), Title = Line(a.Title), Message = Block(a.Message) })],
        Provenance = report.Provenance with
        {
            GraderVersion = Line(report.Provenance.GraderVersion),
            TestSuiteHash = Line(report.Provenance.TestSuiteHash),
            SubmissionCommit = report.Provenance.SubmissionCommit is { } commit ? Line(commit) : null,
            SubmissionSource = Line(report.Provenance.SubmissionSource),
        },
    };

    /// <summary>Whether <paramref name="c"/> is a character <see cref="Line"/> and <see cref="Block"/> never let through (line breaks aside).</summary>
    public static bool IsUnsafe(char c) => c < '\u0020' || c is >= '\u007f' and <= '\u009f' || IsBidiControl(c) || IsInvisible(c);

    static bool IsBidiControl(char c) => c is >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069' or '\u200e' or '\u200f' or '\u061c';

    static bool IsInvisible(char c) => c is '\u200b' or >= '\u2060' and <= '\u2064' or '\ufeff' or '\u180e';

    /// <summary>Whether the pair at <paramref name="i"/> is a tag character (U+E0000–U+E007F): U+DB40, then U+DC00–U+DC7F.</summary>
    public static bool IsTag(string text, int i) => text[i] == '\udb40' && i + 1 < text.Length && text[i + 1] is >= '\udc00' and <= '\udc7f';

    static string Clean(string? text, bool multiLine)
    {
        if (string.IsNullOrEmpty(text)) return "";
        if (!NeedsCleaning(text)) return text;
        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\r' or '\n' or '\u2028' or '\u2029':
                    if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                    clean.Append(multiLine ? '\n' : ' ');
                    break;
                case '\t':
                    clean.Append(multiLine ? '\t' : ' ');
                    break;
                case '\u001b' or '\u009b':
                    i = SkipEscape(text, i);
                    break;
                case var _ when IsTag(text, i):
                    i++;
                    break;
                case var _ when char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]):
                    clean.Append(c).Append(text[++i]);
                    break;
                case var _ when char.IsSurrogate(c):
                    clean.Append('\uFFFD');
                    break;
                case var _ when IsUnsafe(c):
                    break;
                default:
                    clean.Append(c);
                    break;
            }
        }
        return clean.ToString();
    }

    static bool NeedsCleaning(string text)
    {
        foreach (var c in text)
            if (IsUnsafe(c) || c is '\u2028' or '\u2029' || char.IsSurrogate(c)) return true;
        return false;
    }

    /// <summary>
    /// The index of the last character of the escape sequence starting at <paramref name="start"/>: a whole control
    /// sequence (<c>ESC [</c> or CSI, parameters, intermediates, one final character: colours, cursor moves, clears), or
    /// <c>ESC</c> and the one character after it. The text of anything else (an OSC title, say) stays, as plain text.
    /// </summary>
    static int SkipEscape(string text, int start)
    {
        var i = start + 1;
        if (text[start] == '\u001b')
        {
            if (i >= text.Length) return start;
            if (text[i] != '[') return text[i] is >= '\u0040' and <= '\u005f' ? i : start;
            i++;
        }
        while (i < text.Length && text[i] is >= '\u0030' and <= '\u003f') i++; // parameters
        while (i < text.Length && text[i] is >= '\u0020' and <= '\u002f') i++; // intermediates
        return i < text.Length && text[i] is >= '\u0040' and <= '\u007e' ? i : i - 1;
    }
}
