using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Authoring;

/// <summary>
/// Replaces each solution region, from its BEGIN line through its END line, with one
/// <c>throw new NotImplementedException("...")</c> at the BEGIN line's indentation. All other trivia is untouched,
/// so the starter keeps the reference's formatting, comments and line endings.
/// </summary>
internal sealed class StarterRewriter(IReadOnlyList<SolutionRegion> regions) : CSharpSyntaxRewriter
{
    private readonly Dictionary<BlockSyntax, SolutionRegion> regionByBlock = regions.ToDictionary(r => r.Block);

    public override SyntaxNode? VisitBlock(BlockSyntax node)
    {
        if (!regionByBlock.TryGetValue(node, out var region))
            return base.VisitBlock(node);

        var statements = node.Statements;
        var beginToken = region.FirstStatement < statements.Count
            ? statements[region.FirstStatement].GetFirstToken()
            : node.CloseBraceToken;
        var beforeBegin = TriviaBefore(beginToken.LeadingTrivia, region.Begin.Comment);
        var (lineBreak, afterEnd) = SplitAfterLine(node.CloseBraceToken.LeadingTrivia, region.End.Comment);

        var stub = Stub(StubMessage.For(region))
            .WithLeadingTrivia(beforeBegin)
            .WithTrailingTrivia(lineBreak);
        var kept = statements.Take(region.FirstStatement).Select(s => (StatementSyntax)Visit(s));
        return node
            .WithStatements(SyntaxFactory.List(kept.Append(stub)))
            .WithCloseBraceToken(node.CloseBraceToken.WithLeadingTrivia(afterEnd));
    }

    private static StatementSyntax Stub(string message)
    {
        var literal = SymbolDisplay.FormatLiteral(message, quote: true);
        return SyntaxFactory.ParseStatement($"throw new NotImplementedException({literal});");
    }

    /// <summary>The trivia before <paramref name="marker"/>: earlier comments and the marker line's indentation.</summary>
    private static SyntaxTriviaList TriviaBefore(SyntaxTriviaList list, SyntaxTrivia marker) =>
        SyntaxFactory.TriviaList(list.TakeWhile(t => t.SpanStart < marker.SpanStart));

    /// <summary>Splits the trivia after <paramref name="marker"/> into the marker line's line break and the rest.</summary>
    private static (SyntaxTriviaList LineBreak, SyntaxTriviaList Remainder) SplitAfterLine(SyntaxTriviaList list, SyntaxTrivia marker)
    {
        var after = list.SkipWhile(t => t.SpanStart <= marker.SpanStart).ToList();
        var lineBreak = after.FindIndex(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        if (lineBreak < 0)
            return (SyntaxFactory.TriviaList(SyntaxFactory.LineFeed), SyntaxFactory.TriviaList(after));
        // Whitespace between the END comment and its line break is dropped with the marker line.
        return (SyntaxFactory.TriviaList(after[lineBreak]), SyntaxFactory.TriviaList(after.Skip(lineBreak + 1)));
    }
}
