using System.Globalization;
using System.Text.RegularExpressions;

namespace Course.Grader.Run;

/// <summary>
/// NUnit's message for a failed <c>Assert.That(actual, constraint, "what")</c> puts the facts after its first line: "what",
/// then the call's source, <c>Expected: ...</c> and <c>But was: ...</c>, so a report's first line states the requirement as
/// if it held ("cached activations are detached"). Here the first line becomes "what: got X, expected Y", with NUnit's
/// <c>0.80000000000000004d</c> written as <c>0.8</c>, and the original follows. An <c>Assert.Multiple</c> leads with its
/// first failed check, says how many more failed, and keeps each check's words without NUnit's stack frames. A message with
/// no "what" (NUnit's first line is then the call's source) is left as it is, which validate's message check refuses.
/// </summary>
static class AssertionMessage
{
    static readonly Regex Single = new(
        @"\A[ \t]*(?<what>(?!Assert\.)[^\n]{1,2000}?)[ \t]*\n(?:Assert\.[^\n]{0,2000}\n)?[ \t]*Expected: (?<expected>[^\n]{0,2000})\n[ \t]*But was:[ \t]*(?<actual>[^\n]{0,2000})(?:\n[ \t]*Off by:[ \t]*(?<off>[^\n]{0,200}))?",
        RegexOptions.CultureInvariant);

    const string MultipleHeader = "Multiple failures or warnings in test:";

    static readonly Regex Item = new(@"^[ \t]{2}\d{1,4}\)[ \t]+", RegexOptions.Multiline | RegexOptions.CultureInvariant);

    static readonly Regex StackFrame = new(@"^[ \t]*at [^\n]*\n?", RegexOptions.Multiline | RegexOptions.CultureInvariant);

    /// <summary>NUnit's numbers: <c>0.80000000000000004d</c>, <c>2.5f</c>, <c>12m</c>.</summary>
    static readonly Regex Number = new(@"(?<![\w.])(?<value>-?\d{1,30}(?:\.\d{1,40})?(?:E[+-]?\d{1,4})?)[dfm](?!\w)", RegexOptions.CultureInvariant);

    /// <summary>The result with its message's first line rewritten as the class says; any other result as it is.</summary>
    public static TestCaseResult Readable(TestCaseResult result)
    {
        var message = result.Message.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (message.StartsWith(MultipleHeader, StringComparison.Ordinal))
        {
            var checks = Item.Split(message[MultipleHeader.Length..]).Select(c => StackFrame.Replace(c, "").Trim()).Where(c => c.Length > 0).ToList();
            if (checks.Count == 0) return result;
            var first = Headline(checks[0]) ?? checks[0].Split('\n', 2)[0];
            var more = checks.Count == 1 ? "" : $" (and {checks.Count - 1} more check{(checks.Count == 2 ? "" : "s")} failed, below)";
            return result with { Message = first + more + "\n" + string.Join("\n", checks.Select((c, i) => $"  {i + 1}) {c.Replace("\n", "\n     ", StringComparison.Ordinal)}")) };
        }
        return Headline(message) is { } headline ? result with { Message = headline + "\n" + message.TrimStart() } : result;
    }

    /// <summary>
    /// "what: got X, expected Y (off by D)" for a constraint's failure with a message; null for anything else. The numbers
    /// get as many digits as it takes for X and Y to differ: a red team (stop 60) read "got 1.46977, expected 1.46977" for a
    /// float32 sum held to 1e-10, at 6 digits.
    /// </summary>
    static string? Headline(string message)
    {
        if (Single.Match(message) is not { Success: true } match) return null;
        var (actual, expected) = (match.Groups["actual"].Value.Trim(), match.Groups["expected"].Value.Trim());
        var digits = DigitsToTell(FirstNumber(actual), FirstNumber(expected));
        var off = match.Groups["off"].Success ? $" (off by {Numbers(match.Groups["off"].Value.Trim(), 3)})" : "";
        return $"{match.Groups["what"].Value.Trim()}: got {Numbers(actual, digits)}, expected {Numbers(expected, digits)}{off}";
    }

    static double? FirstNumber(string text) =>
        Number.Match(text) is { Success: true } m && double.TryParse(m.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>6 significant digits, or as many more as it takes for two different numbers to read differently.</summary>
    static int DigitsToTell(double? a, double? b)
    {
        if (a is not { } x || b is not { } y || x.Equals(y)) return 6;
        foreach (var digits in new[] { 6, 9, 12, 17 })
            if (x.ToString("G" + digits, CultureInfo.InvariantCulture) != y.ToString("G" + digits, CultureInfo.InvariantCulture)) return digits;
        return 17;
    }

    static string Numbers(string text, int digits) => Number.Replace(text, m =>
        double.TryParse(m.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value.ToString("G" + digits, CultureInfo.InvariantCulture)
            : m.Value);
}
