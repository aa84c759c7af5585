using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Course.Grader.Authoring;

internal enum SolutionMarkerKind
{
    Begin,
    End,
}

/// <summary>
/// One <c>// BEGIN SOLUTION[: hint]</c> or <c>// END SOLUTION</c> comment. Only comment trivia counts,
/// so the words inside a string literal or a doc comment are never markers.
/// </summary>
internal sealed partial record SolutionMarker(SolutionMarkerKind Kind, SyntaxTrivia Comment, string Hint, int Line)
{
    public const string BeginText = "BEGIN SOLUTION";
    public const string EndText = "END SOLUTION";

    public int Position => Comment.SpanStart;

    /// <summary>
    /// Reads a comment as a marker. Returns null when the comment is not a marker, and sets
    /// <paramref name="malformed"/> when it looks like one (any case, spacing or comment style) but does not
    /// follow the syntax: a misspelt marker must fail loudly, since ignoring it would leak the solution.
    /// </summary>
    public static SolutionMarker? TryRead(SyntaxTrivia trivia, out string? malformed)
    {
        malformed = null;
        var isLineComment = trivia.IsKind(SyntaxKind.SingleLineCommentTrivia);
        if (!isLineComment && !trivia.IsKind(SyntaxKind.MultiLineCommentTrivia))
            return null;
        var text = trivia.ToString();
        if (!LookalikePattern().IsMatch(text))
            return null;

        var line = trivia.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
        var match = MarkerPattern().Match(text);
        var rest = match.Groups["rest"].Value.Trim();
        var usage = $"write '// {BeginText}', '// {BeginText}: <hint for the student>' or '// {EndText}' on a line of its own";
        if (!isLineComment || !match.Success)
        {
            malformed = $"malformed marker '{text}': {usage}";
            return null;
        }
        if (match.Groups["word"].Value == "BEGIN")
        {
            if (rest.Length == 0)
                return new SolutionMarker(SolutionMarkerKind.Begin, trivia, "", line);
            if (rest[0] == ':')
                return new SolutionMarker(SolutionMarkerKind.Begin, trivia, rest[1..].Trim(), line);
        }
        else if (rest.Length == 0)
        {
            return new SolutionMarker(SolutionMarkerKind.End, trivia, "", line);
        }
        malformed = $"malformed marker '{text}': {usage}";
        return null;
    }

    /// <summary>The exact syntax.</summary>
    [GeneratedRegex(@"^//\s*(?<word>BEGIN|END) SOLUTION(?<rest>.*)$")]
    private static partial Regex MarkerPattern();

    /// <summary>Anything a TA may have meant as a marker.</summary>
    [GeneratedRegex(@"^(//|/\*)\s*(BEGIN|END)\s*SOLUTION", RegexOptions.IgnoreCase)]
    private static partial Regex LookalikePattern();
}
