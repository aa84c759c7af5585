using System.Globalization;
using System.Text.RegularExpressions;

namespace Course.Grader.Run;

/// <summary>
/// NUnit's message for a failed <c>Assert.That(actual, constraint, "what")</c> puts the facts after its first line: "what",
/// then the call's source (one line or several), NUnit's details (where two lists or strings differ), <c>Expected: ...</c>
/// and <c>But was: ...</c>, so a report's first line states the requirement as if it held ("cached activations are
/// detached"). Here the first line becomes "what: got X, expected Y", with NUnit's <c>0.80000000000000004d</c> written as
/// <c>0.8</c>, where two lists or strings differ, a number's ratio to the expected one or by how much it is too high or too
/// low (NUnit's "Off by" is expected minus got, which reads backwards), and a thrown exception by its short name (a stub's as
/// "not implemented yet: " and its own words), a boolean check as "what: expression is False, expected True"; the original follows. An <c>Assert.Multiple</c> leads with its first failed
/// check, says how many more failed, and keeps each check's words without NUnit's stack frames. A message with no "what"
/// (NUnit's first line is then the call's source) is left as it is, which validate's message check refuses.
/// </summary>
static class AssertionMessage
{
    const string MultipleHeader = "Multiple failures or warnings in test:";

    static readonly Regex Item = new(@"^[ \t]{2}\d{1,4}\)[ \t]+", RegexOptions.Multiline | RegexOptions.CultureInvariant);

    static readonly Regex StackFrame = new(@"^[ \t]*at [^\n]*\n?", RegexOptions.Multiline | RegexOptions.CultureInvariant);

    /// <summary>NUnit's numbers: <c>0.80000000000000004d</c>, <c>2.5f</c>, <c>12m</c>.</summary>
    static readonly Regex Number = new(@"(?<![\w.])(?<value>-?\d{1,30}(?:\.\d{1,40})?(?:E[+-]?\d{1,4})?)[dfm](?!\w)", RegexOptions.CultureInvariant);

    /// <summary>NUnit's details: where two collections (<c>Values differ at index [1]</c>) or strings (<c>Strings differ at index 2.</c>) first differ.</summary>
    static readonly Regex DiffersAt = new(@"(?:Values differ at index (?<index>\[[0-9, ]{1,100}\])|Strings differ at index (?<char>\d{1,10})\.)", RegexOptions.CultureInvariant);

    /// <summary>NUnit's details for <c>Is.EquivalentTo</c>: <c>Missing (1): &lt; 4 &gt;</c>, <c>Extra (1): &lt; 3 &gt;</c>.</summary>
    static readonly Regex MissingOrExtra = new(@"^[ \t]*(?<kind>Missing|Extra) \(\d{1,10}\):[ \t]*(?<items>[^\n]{0,500})$", RegexOptions.CultureInvariant);

    /// <summary>An exception as NUnit's <c>Throws</c> constraints show it: <c>&lt;System.NotImplementedException: text</c>.</summary>
    static readonly Regex ThrownValue = new(@"^<(?:[A-Za-z_][A-Za-z0-9_]{0,100}\.){0,10}(?<name>[A-Za-z_][A-Za-z0-9_]{0,100}Exception)(?:: (?<text>.{0,1000}?))?>?$", RegexOptions.CultureInvariant);

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
    /// "what: got X, expected Y" and what NUnit's details add, for a constraint's failure with a message; null for anything
    /// else. The numbers get as many digits as it takes for X and Y to differ: a red team (stop 60) read "got 1.46977,
    /// expected 1.46977" for a float32 sum held to 1e-10, at 6 digits.
    /// </summary>
    static string? Headline(string message)
    {
        var lines = message.Split('\n');
        var what = lines[0].Trim();
        if (what.Length == 0 || what.StartsWith("Assert.", StringComparison.Ordinal)) return null;
        var at = Enumerable.Range(1, Math.Max(0, lines.Length - 2))
            .FirstOrDefault(i => lines[i].TrimStart().StartsWith("Expected:", StringComparison.Ordinal) && lines[i + 1].TrimStart().StartsWith("But was:", StringComparison.Ordinal));
        if (at == 0) return null;
        var expected = lines[at].TrimStart()["Expected:".Length..].Trim();
        var actual = lines[at + 1].TrimStart()["But was:".Length..].Trim();
        if (ThrownValue.Match(actual) is { Success: true } thrown)
        {
            var (name, text) = (thrown.Groups["name"].Value, thrown.Groups["text"].Value.Trim());
            return name == nameof(NotImplementedException)
                ? ThrownException.NotImplementedYet + text
                : $"{what}: got {name}{(text.Length > 0 ? $" ({text})" : "")}, expected {Numbers(expected, 6)}";
        }
        if (IsBoolean(expected) && IsBoolean(actual)) return $"{what}: {BooleanCheck(lines[1..at])} is {actual}, expected {expected}";
        var where = lines.Skip(1).Take(at - 1).Select(l => DiffersAt.Match(l)).FirstOrDefault(m => m.Success) is { } differs
            ? differs.Groups["index"].Success ? $" at index {differs.Groups["index"].Value}" : $" at character {differs.Groups["char"].Value}"
            : "";
        var (x, y) = (FirstNumber(actual), FirstNumber(expected));
        var digits = DigitsToTell(x, y);
        var off = lines.Skip(at + 2).Any(l => l.TrimStart().StartsWith("Off by:", StringComparison.Ordinal)) && x is { } got && y is { } want ? Difference(got, want) : "";
        var sets = string.Join("; ", lines.Skip(at + 2).Select(l => MissingOrExtra.Match(l)).Where(m => m.Success)
            .Select(m => $"{m.Groups["kind"].Value.ToLowerInvariant()} {Numbers(m.Groups["items"].Value.Trim(), 6)}"));
        return $"{what}:{where} got {Numbers(actual, digits)}, expected {Numbers(expected, digits)}{off}{(sets.Length > 0 ? $" ({sets})" : "")}";
    }

    static bool IsBoolean(string value) => value is "True" or "False";

    /// <summary>
    /// The expression a boolean check tested, from NUnit's source line (<c>Assert.That(is_grad_enabled(), Is.True)</c>), or
    /// "the check" where NUnit gives none (a call through a lambda) or it is too long for a first line. A boolean tail says
    /// nothing the failure does not, and after a "what" that describes the failure ("drew one state for all 27 tokens") NUnit's
    /// "got False, expected True" reads as if the failure had not happened: a red team (round 19) read such lines.
    /// </summary>
    static string BooleanCheck(IEnumerable<string> source)
    {
        var call = string.Join(" ", source.Select(l => l.Trim())).Trim();
        var match = BooleanCall.Match(call);
        var expression = match.Success ? match.Groups["expression"].Value.Trim() : "";
        return expression.Length is > 0 and <= 80 && !expression.Contains(", Is.", StringComparison.Ordinal) ? expression : "the check";
    }

    /// <summary>NUnit's source line of a boolean check: <c>Assert.That(x, Is.True)</c>, <c>Assert.That(x, Is.False)</c>, <c>Assert.That(x)</c>.</summary>
    static readonly Regex BooleanCall = new(@"^Assert\.That\((?<expression>[^,\s].{0,999}?)(?:,\s*Is\.(?:True|False))?\)$", RegexOptions.CultureInvariant);

    /// <summary>" (7 times the expected value)" where the ratio says something, else " (9.66E-08 too high)".</summary>
    static string Difference(double got, double expected)
    {
        if (!double.IsFinite(got) || !double.IsFinite(expected)) return "";
        if (got == 0 && expected != 0) return " (0 where the expected is not: is the result ever computed, or multiplied by a zero?)";
        var ratio = got / expected;
        if (Math.Abs(expected) > 1e-6 && Math.Abs(ratio - 1) >= 1e-3)
            return Math.Abs(ratio + 1) < 1e-3 ? " (the expected value with the opposite sign: a sign is flipped?)"
                : string.Create(CultureInfo.InvariantCulture, $" ({ratio:G4} times the expected value)");
        return string.Create(CultureInfo.InvariantCulture, $" ({Math.Abs(got - expected):G3} too {(got > expected ? "high" : "low")})");
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
