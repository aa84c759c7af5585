using System.Globalization;
using System.Runtime.CompilerServices;
using Course.Grader.Analyze;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Compile;

/// <summary>
/// A compiler message as the student reads it, unless it would write out a type too large to read (<see cref="TypeSize"/>).
/// Roslyn writes every part of each type a message names: five lines, <c>int x = F(F(F(F(F(0)))));</c> with
/// <c>F&lt;T&gt;</c> returning a Func of 17 <c>T</c>s, made a message of 150 million characters and a report of 310 MB,
/// and one level more would not fit in memory. So where the code around an error (its statement, or its declaration
/// outside a body) has such a type, the message says that instead. Each such piece of code is read once per
/// compilation, however many errors it has.
/// </summary>
public static class CompilerMessage
{
    public const string TooLarge = $"this involves a type {TypeSize.TooLarge}, too large to write out; give the values a smaller type.";

    public static string Of(Diagnostic diagnostic, Compilation compilation) =>
        NamesATypeTooLarge(diagnostic, compilation) ? TooLarge : diagnostic.GetMessage(CultureInfo.InvariantCulture);

    /// <summary>For each compilation, whether each piece of code read so far has a type too large to write out.</summary>
    static readonly ConditionalWeakTable<Compilation, Dictionary<SyntaxNode, bool>> Read = [];

    static bool NamesATypeTooLarge(Diagnostic diagnostic, Compilation compilation)
    {
        if (diagnostic.Location.SourceTree is not { } tree || !compilation.ContainsSyntaxTree(tree)) return false;
        var node = tree.GetRoot().FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        var scope = node.AncestorsAndSelf().FirstOrDefault(n => n is StatementSyntax or MemberDeclarationSyntax) ?? tree.GetRoot();
        var read = Read.GetValue(compilation, _ => []);
        lock (read)
        {
            if (read.TryGetValue(scope, out var known)) return known;
        }
        var model = compilation.GetSemanticModel(tree);
        var tooLarge = scope.DescendantNodesAndSelf().OfType<ExpressionSyntax>().Any(expression => HasTypeTooLarge(model, expression));
        lock (read) read[scope] = tooLarge;
        return tooLarge;
    }

    static bool HasTypeTooLarge(SemanticModel model, ExpressionSyntax expression)
    {
        var type = model.GetTypeInfo(expression);
        var symbol = model.GetSymbolInfo(expression);
        return type.Type is { } t && TypeSize.Exceeds(t) || type.ConvertedType is { } converted && TypeSize.Exceeds(converted)
               || symbol.Symbol is { } s && TypeSize.Exceeds(s) || symbol.CandidateSymbols.Any(TypeSize.Exceeds);
    }
}
