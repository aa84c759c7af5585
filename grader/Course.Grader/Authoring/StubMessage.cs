using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Authoring;

/// <summary>
/// The message of a generated stub, e.g. <c>AttentionHead.forward: Scale the scores by 1/sqrt(d_head).</c>:
/// the student sees it in a failing test, so it names the member to implement.
/// </summary>
internal static class StubMessage
{
    public const string DefaultHint = "TODO: implement this.";

    public static string For(SolutionRegion region)
    {
        var hint = region.Begin.Hint.Length > 0 ? region.Begin.Hint : DefaultHint;
        var where = Describe(region.Block);
        return where.Length > 0 ? $"{where}: {hint}" : hint;
    }

    /// <summary>
    /// Names the code around <paramref name="node"/>, e.g. <c>Outer.Inner.forward</c>, <c>Model.Scale.get</c>,
    /// <c>AttentionHead constructor</c>, <c>Model.forward.softmax</c> (a local function). Lambdas are named by their member.
    /// </summary>
    private static string Describe(SyntaxNode node)
    {
        var parts = new List<string>();
        foreach (var ancestor in node.AncestorsAndSelf())
        {
            var part = ancestor switch
            {
                LocalFunctionStatementSyntax local => "." + local.Identifier.Text,
                AccessorDeclarationSyntax accessor => "." + accessor.Keyword.Text,
                MethodDeclarationSyntax method => "." + method.Identifier.Text,
                ConstructorDeclarationSyntax ctor when ctor.Modifiers.Any(SyntaxKind.StaticKeyword) => " static constructor",
                ConstructorDeclarationSyntax => " constructor",
                DestructorDeclarationSyntax => " finalizer",
                PropertyDeclarationSyntax property => "." + property.Identifier.Text,
                EventDeclarationSyntax @event => "." + @event.Identifier.Text,
                IndexerDeclarationSyntax => ".this[]",
                OperatorDeclarationSyntax op => $".operator {op.OperatorToken.Text}",
                ConversionOperatorDeclarationSyntax conversion => $".operator {conversion.Type}",
                BaseTypeDeclarationSyntax type => "." + type.Identifier.Text,
                _ => null,
            };
            if (part is not null)
                parts.Insert(0, part);
        }
        return string.Concat(parts).TrimStart('.', ' ');
    }
}
