using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Course.Grader.Compile;

/// <summary>
/// The C# compiler recurses once per level of nesting as it parses and binds, and not everywhere with a guard: a type
/// argument nested 20,000 deep (<c>List&lt;List&lt;...&gt;&gt;</c>, 122 KB), a tuple type, a parenthesised expression or pattern
/// as deep, overflowed the stack of the grader's own process (a red team, stop 55), which .NET cannot catch: the grade
/// ended with no report, and a batch ended with it, again on every rerun. So each file's nesting is measured from its
/// tokens before the compiler parses it, and code nested deeper than <see cref="MaxDepth"/> is a compile error.
/// </summary>
/// <remarks>
/// The lexer reads a file token by token without recursing, but for strings interpolated inside the holes of others,
/// which it reads one level per nesting; it runs on a thread whose stack holds the deepest a submission's text allows
/// (its time grows faster than the depth, and the compile's time limit bounds it).
/// Brackets count where they nest: <c>( [ {</c> always, <c>&lt;</c> as a type argument list or a comparison alike (a
/// closing bracket, or the end of a statement, drops the comparisons left open inside it), and an interpolated string's
/// holes by the braces in its text.
/// </remarks>
static class NestingDepth
{
    /// <summary>Far beyond what code is written with (a homework's deepest is under 20), far below what overflowed (2,000 was read safely).</summary>
    public const int MaxDepth = 256;

    /// <summary>Enough stack for the lexer's interpolated strings at the most a student file may hold (1 MiB, 5 characters a level).</summary>
    const int LexerStack = 512 << 20;

    /// <summary>Null when every file nests at most <see cref="MaxDepth"/> deep; otherwise the error a student reads, where the limit is passed.</summary>
    public static CompileDiagnostic? Check(IEnumerable<SourceFile> files)
    {
        CompileDiagnostic? found = null;
        var thread = new Thread(() => found = files.Select(Deepest).FirstOrDefault(d => d is not null), LexerStack) { IsBackground = true, Name = "nesting depth" };
        thread.Start();
        thread.Join();
        return found;
    }

    static CompileDiagnostic? Deepest(SourceFile file)
    {
        var open = new Stack<SyntaxKind>();
        var text = Microsoft.CodeAnalysis.Text.SourceText.From(file.Text);
        foreach (var token in SyntaxFactory.ParseTokens(file.Text, options: BuildSettings.ParseOptions))
        {
            var depth = token.Kind() switch
            {
                SyntaxKind.OpenParenToken or SyntaxKind.OpenBracketToken or SyntaxKind.OpenBraceToken or SyntaxKind.LessThanToken => Push(open, token.Kind()),
                SyntaxKind.CloseParenToken => Close(open, SyntaxKind.OpenParenToken),
                SyntaxKind.CloseBracketToken => Close(open, SyntaxKind.OpenBracketToken),
                SyntaxKind.CloseBraceToken => Close(open, SyntaxKind.OpenBraceToken),
                SyntaxKind.GreaterThanToken => CloseAngle(open, 1),
                SyntaxKind.GreaterThanGreaterThanToken => CloseAngle(open, 2),
                SyntaxKind.GreaterThanGreaterThanGreaterThanToken => CloseAngle(open, 3),
                SyntaxKind.SemicolonToken => DropAngles(open),
                SyntaxKind.InterpolatedStringToken or SyntaxKind.InterpolatedStringStartToken => open.Count + Holes(token.Text),
                _ => open.Count,
            };
            if (depth <= MaxDepth) continue;
            var at = text.Lines.GetLinePosition(token.SpanStart);
            return new CompileDiagnostic(file.Path, at.Line + 1, at.Character + 1, CompileSeverity.Error, "COURSE0004",
                $"code nested more than {MaxDepth} levels deep (brackets, type arguments or interpolated strings inside one another) is more " +
                "than the compiler can read safely; flatten it with local variables or helper methods");
        }
        return null;
    }

    static int Push(Stack<SyntaxKind> open, SyntaxKind kind)
    {
        open.Push(kind);
        return open.Count;
    }

    /// <summary>Pops to the bracket this one closes, dropping the comparisons left open inside it; a stray one changes nothing.</summary>
    static int Close(Stack<SyntaxKind> open, SyntaxKind opener)
    {
        if (open.Contains(opener))
            while (open.Pop() != opener) { }
        return open.Count;
    }

    static int CloseAngle(Stack<SyntaxKind> open, int count)
    {
        for (var i = 0; i < count && open.TryPeek(out var top) && top == SyntaxKind.LessThanToken; i++) open.Pop();
        return open.Count;
    }

    static int DropAngles(Stack<SyntaxKind> open)
    {
        while (open.TryPeek(out var top) && top == SyntaxKind.LessThanToken) open.Pop();
        return open.Count;
    }

    /// <summary>How deep the holes of an interpolated string's text nest, by its braces (an escaped <c>{{</c> over-counts, which only errs towards the limit).</summary>
    static int Holes(string text)
    {
        int depth = 0, deepest = 0;
        foreach (var c in text)
        {
            if (c == '{') deepest = Math.Max(deepest, ++depth);
            else if (c == '}' && depth > 0) depth--;
        }
        return deepest;
    }
}
