using Course.Grader.Report;

namespace Course.Worker;

/// <summary>Keeps each result line short whatever a test prints or throws.</summary>
static class TextLimits
{
    public const int MaxOutputChars = 4 * 1024;
    public const int MaxMessageChars = 8 * 1024;
    public const int MaxStackFrames = 25;

    /// <summary>Frames of the reflection call into the test and of NUnit itself say nothing to a student.</summary>
    static readonly string[] PlumbingFrames = ["System.Reflection.", "System.RuntimeMethodHandle.", "NUnit.Framework.Internal."];

    public static string Cut(string? text, int maxChars)
    {
        if (string.IsNullOrEmpty(text)) return "";
        if (text.Length <= maxChars) return text;
        var kept = TextCut.Prefix(text, maxChars);
        return kept + $"\n… [cut: {text.Length - kept.Length} more characters]";
    }

    public static string StackTrace(string? trace)
    {
        if (string.IsNullOrWhiteSpace(trace)) return "";
        var frames = trace.Split('\n')
            .Select(line => line.TrimEnd('\r'))
            .Where(line => line.Length > 0 && !PlumbingFrames.Any(p => line.Contains(p, StringComparison.Ordinal)))
            .ToList();
        var kept = frames.Take(MaxStackFrames).ToList();
        if (frames.Count > kept.Count) kept.Add($"   … [{frames.Count - kept.Count} more frames]");
        return Cut(string.Join('\n', kept), MaxMessageChars);
    }
}
