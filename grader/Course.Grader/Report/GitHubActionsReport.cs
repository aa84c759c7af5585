using System.Security.Cryptography;
using System.Text;
using Course.Grader.Score;

namespace Course.Grader.Report;

/// <summary>
/// What the grader does when run inside GitHub Actions: the step output <c>result</c> for GitHub
/// Classroom's reporter, a job summary, workflow-command annotations, and a <c>Points X/Y</c> notice.
/// </summary>
public static class GitHubActionsReport
{
    public sealed record Environment(string? OutputFile, string? SummaryFile)
    {
        public static Environment FromProcess() => new(
            System.Environment.GetEnvironmentVariable("GITHUB_OUTPUT"),
            System.Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY"));

        public static bool Detected => System.Environment.GetEnvironmentVariable("GITHUB_ACTIONS") == "true";
    }

    /// <summary>Writes the step output and summary files, and returns the workflow commands for stdout.</summary>
    public static string Emit(ReportView view, Environment environment)
    {
        if (environment.OutputFile is { Length: > 0 } output)
            File.AppendAllText(output, $"result={ClassroomResult.Base64(view)}\n");
        if (environment.SummaryFile is { Length: > 0 } summary)
            File.AppendAllText(summary, MarkdownReport.Write(view));
        return Commands(view);
    }

    /// <summary>
    /// The most annotations GitHub shows for a step: 10 of each kind (error, warning, notice). The grader emits at most this
    /// many in all, the points notice included, so that none is dropped unseen.
    /// </summary>
    public const int MaxAnnotations = 10;

    /// <summary>
    /// Annotations for compile errors, banned calls and stubs, then the points notice. Past <see cref="MaxAnnotations"/>,
    /// the last one before the points says how many more there are ("and 26 more compile errors"); the job summary lists them all.
    /// </summary>
    public static string Commands(ReportView view)
    {
        var report = view.Report;
        var text = new StringBuilder();
        var annotations = report.Annotations;
        var shown = annotations.Count < MaxAnnotations ? annotations.Count : MaxAnnotations - 2;
        foreach (var a in annotations.Take(shown))
        {
            text.Append("::").Append(Level(a.Level))
                .Append(" file=").Append(Property(a.File))
                .Append(",line=").Append(a.Line)
                .Append(",col=").Append(a.Column)
                .Append(",title=").Append(Property(a.Title))
                .Append("::").Append(Data(a.Message)).Append('\n');
        }
        if (shown < annotations.Count)
        {
            var rest = annotations.Skip(shown).ToList();
            var more = rest.GroupBy(Kind).Select(kind => $"{kind.Count()} more {kind.Key}{(kind.Count() == 1 ? "" : "s")}");
            text.Append("::").Append(Level(rest.Max(a => a.Level))).Append(" title=").Append(Property($"{rest.Count} more annotations")).Append("::")
                .Append(Data($"and {string.Join(", ", more)}; the job summary lists them all")).Append('\n');
        }
        text.Append("::notice title=").Append(Property(report.Assignment)).Append("::")
            .Append(Data($"Points {ScoreStage.Format(report.Score)}/{ScoreStage.Format(report.MaxScore)}")).Append('\n');
        return text.ToString();
    }

    static string Level(AnnotationLevel level) => level switch { AnnotationLevel.Failure => "error", AnnotationLevel.Warning => "warning", _ => "notice" };

    /// <summary>What an annotation reports, for the count of those not shown: a compile error is titled "error CS…".</summary>
    static string Kind(Annotation a) => a.Level switch
    {
        AnnotationLevel.Failure when a.Title.StartsWith("error ", StringComparison.Ordinal) => "compile error",
        AnnotationLevel.Failure => "error",
        AnnotationLevel.Warning => "warning",
        _ => "notice",
    };

    /// <summary>
    /// A fresh token for <see cref="StopCommands"/>: 32 hex digits from a cryptographic generator, so that no text inside
    /// the block (a student's file name, message or output) can name it and turn commands back on.
    /// </summary>
    public static string NewStopToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>From this line on, the runner reads no workflow command (<c>::x::</c> or <c>##[x]</c>) until <see cref="ResumeCommands"/>.</summary>
    public static string StopCommands(string token) => $"::stop-commands::{token}";

    /// <summary>The line that ends a <see cref="StopCommands"/> block.</summary>
    public static string ResumeCommands(string token) => $"::{token}::";

    /// <summary>
    /// JSON or XML printed where the runner reads workflow commands, with nothing it would take for one, and the same
    /// document to a parser. The runner takes a line that starts with <c>::</c> after leading white space, and
    /// <c>##[name]</c> anywhere in a line. In JSON, strings hold no raw line break, so only <c>##[</c> can occur and its
    /// <c>[</c> is written <c>\u005B</c>; in XML, a text node can span lines, so a line's leading <c>:</c> becomes
    /// <c>&amp;#x3A;</c> and the <c>[</c> of <c>##[</c> <c>&amp;#x5B;</c>.
    /// </summary>
    public static string Inert(string document, bool xml)
    {
        var text = document.Replace("##[", xml ? "##&#x5B;" : "##\\u005B");
        if (!xml) return text;
        var inert = new StringBuilder(text.Length);
        var lineStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (lineStart && c == ':' && i + 1 < text.Length && text[i + 1] == ':')
            {
                inert.Append("&#x3A;");
                lineStart = false;
                continue;
            }
            inert.Append(c);
            if (c is '\n' or '\r') lineStart = true;
            else if (!char.IsWhiteSpace(c)) lineStart = false;
        }
        return inert.ToString();
    }

    /// <summary>Escaping of a workflow command's message, as @actions/core does.</summary>
    public static string Data(string value) => value.Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A");

    /// <summary>Escaping of a workflow command's property value.</summary>
    public static string Property(string value) => Data(value).Replace(":", "%3A").Replace(",", "%2C");
}
