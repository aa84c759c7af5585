using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Compile;

/// <summary>
/// When a test suite does not compile against the student's homework (a missing member, a wrong
/// signature), cuts off only the test code the errors are in: a member whose body does not compile
/// gets a body that fails with the compiler's message, so the test still runs and fails with a reason
/// the student can act on; a member, type or using directive whose declaration does not compile is removed.
/// </summary>
static class TestCodeIsolation
{
    const string HelperPath = "(generated)/CourseIsolation.g.cs";

    static readonly string HelperSource =
        "internal static class CourseIsolation\n{\n" +
        "    public static T Fail<T>(string message) => throw new global::NUnit.Framework.AssertionException(message);\n}\n";

    /// <summary>The trees with every error cut off, or null when an error sits where nothing can be cut (an assembly attribute, a namespace).</summary>
    /// <param name="compilation">The compilation of <paramref name="trees"/> that reported <paramref name="errors"/>.</param>
    public static IReadOnlyList<SyntaxTree>? Isolate(IReadOnlyList<SyntaxTree> trees, IEnumerable<Diagnostic> errors, Compilation compilation, IsolationLog log)
    {
        var cuts = new Dictionary<SyntaxNode, SyntaxNode?>();
        foreach (var error in errors)
        {
            if (error.Location.SourceTree is not { } tree || !trees.Contains(tree) || tree.FilePath == HelperPath) return null;
            var node = tree.GetRoot().FindNode(error.Location.SourceSpan, getInnermostNodeForTie: true);
            var cause = CompileDiagnostic.From(error, compilation);
            var cut = Cut(node, log.Explain(cause));
            if (cut is null) return null;
            var (target, replacement, member) = cut.Value;
            if (!cuts.TryGetValue(target, out _) || replacement is null) cuts[target] = replacement;
            log.Record(member, replacement is null ? IsolationKind.Removed : IsolationKind.FailsWhenRun, cause);
        }
        var rewritten = trees
            .Select(tree => cuts.Keys.Any(node => node.SyntaxTree == tree)
                ? CSharpSyntaxTree.Create((CSharpSyntaxNode)new CutRewriter(cuts).Visit(tree.GetRoot())!, BuildSettings.ParseOptions, tree.FilePath, Encoding.UTF8)
                : tree)
            .ToList();
        if (!rewritten.Any(tree => tree.FilePath == HelperPath))
            rewritten.Add(CSharpSyntaxTree.ParseText(HelperSource, BuildSettings.ParseOptions, HelperPath, Encoding.UTF8));
        return rewritten;
    }

    /// <summary>The node to cut, its replacement (null: remove it) and the member's display name.</summary>
    static (SyntaxNode Target, SyntaxNode? Replacement, string Member)? Cut(SyntaxNode node, string reason)
    {
        if (node.FirstAncestorOrSelf<UsingDirectiveSyntax>() is { } usingDirective)
            return (usingDirective, null, usingDirective.ToString().TrimEnd(';'));
        var member = node.AncestorsAndSelf().OfType<MemberDeclarationSyntax>().FirstOrDefault(m => m is not BaseNamespaceDeclarationSyntax);
        if (member is null) return null;
        var name = DisplayName(member);
        var failure = $"{name} does not compile against your code: {reason}";
        switch (member)
        {
            case BaseMethodDeclarationSyntax method when Contains(method.Body, node) || Contains(method.ExpressionBody, node):
                return (method, method.WithBody(FailingBlock(failure)).WithExpressionBody(null).WithSemicolonToken(default), name);
            case BasePropertyDeclarationSyntax when node.FirstAncestorOrSelf<AccessorDeclarationSyntax>() is { } accessor
                                                            && (Contains(accessor.Body, node) || Contains(accessor.ExpressionBody, node)):
                return (accessor, accessor.WithBody(FailingBlock(failure)).WithExpressionBody(null).WithSemicolonToken(default), name);
            case PropertyDeclarationSyntax property when Contains(property.ExpressionBody, node):
                return (property.ExpressionBody!, property.ExpressionBody!.WithExpression(ThrowExpression(failure)), name);
            case PropertyDeclarationSyntax property when Contains(property.Initializer, node):
                return (property.Initializer!.Value, Fail(property.Type, failure), name);
            case FieldDeclarationSyntax field when node.FirstAncestorOrSelf<EqualsValueClauseSyntax>() is { } initializer
                                                   && Contains(initializer, node) && field.Contains(initializer):
                return (initializer.Value, Fail(field.Declaration.Type, failure), name);
            default:
                return (member, null, name);
        }
    }

    static bool Contains(SyntaxNode? outer, SyntaxNode inner) => outer is not null && outer.Span.Contains(inner.Span);

    static BlockSyntax FailingBlock(string message) =>
        SyntaxFactory.Block(SyntaxFactory.ParseStatement($"throw new global::NUnit.Framework.AssertionException({Literal(message)});"));

    static ExpressionSyntax ThrowExpression(string message) =>
        SyntaxFactory.ParseExpression($"throw new global::NUnit.Framework.AssertionException({Literal(message)})");

    static ExpressionSyntax Fail(TypeSyntax type, string message) =>
        SyntaxFactory.ParseExpression($"global::CourseIsolation.Fail<{type.WithoutTrivia()}>({Literal(message)})");

    static string Literal(string text) => SymbolDisplay.FormatLiteral(text, quote: true);

    /// <summary>Namespace.Type.Member, from syntax alone.</summary>
    static string DisplayName(MemberDeclarationSyntax member)
    {
        var own = member switch
        {
            BaseTypeDeclarationSyntax type => type.Identifier.Text,
            MethodDeclarationSyntax method => method.Identifier.Text,
            ConstructorDeclarationSyntax ctor => ctor.Identifier.Text,
            PropertyDeclarationSyntax property => property.Identifier.Text,
            EventDeclarationSyntax e => e.Identifier.Text,
            BaseFieldDeclarationSyntax field => string.Join(", ", field.Declaration.Variables.Select(v => v.Identifier.Text)),
            DelegateDeclarationSyntax d => d.Identifier.Text,
            _ => member.Kind().ToString(),
        };
        var outer = member.Ancestors().Select(a => a switch
        {
            BaseTypeDeclarationSyntax type => type.Identifier.Text,
            BaseNamespaceDeclarationSyntax ns => ns.Name.ToString(),
            _ => null,
        }).OfType<string>().Reverse();
        return string.Join('.', outer.Append(own));
    }

    sealed class CutRewriter(IReadOnlyDictionary<SyntaxNode, SyntaxNode?> cuts) : CSharpSyntaxRewriter
    {
        public override SyntaxNode? Visit(SyntaxNode? node) =>
            node is not null && cuts.TryGetValue(node, out var replacement)
                ? replacement?.WithTriviaFrom(node)
                : base.Visit(node);
    }
}
