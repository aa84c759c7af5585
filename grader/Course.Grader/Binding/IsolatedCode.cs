using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Course.Grader.Binding;

/// <summary>
/// The test code that does not compile against a submission, member by member: the code the compile stage isolates
/// (a failing body, a removed member), whose tests fail anyway. What it binds to follows from the error, so the binding
/// check leaves it out. A using directive that fails is only itself: the members it would have served fail on their own.
/// </summary>
public sealed class IsolatedCode
{
    readonly Dictionary<string, List<TextSpan>> spans = new(StringComparer.Ordinal);

    public IsolatedCode(IEnumerable<Location> errors)
    {
        foreach (var error in errors)
        {
            if (error.SourceTree is not { } tree) continue;
            var node = tree.GetRoot().FindNode(error.SourceSpan, getInnermostNodeForTie: true);
            SyntaxNode? cut = node.FirstAncestorOrSelf<UsingDirectiveSyntax>();
            cut ??= node.AncestorsAndSelf().OfType<MemberDeclarationSyntax>().FirstOrDefault(m => m is not BaseNamespaceDeclarationSyntax);
            if (cut is null) continue;
            if (!spans.TryGetValue(tree.FilePath, out var list)) spans[tree.FilePath] = list = [];
            list.Add(cut.Span);
        }
    }

    public bool Contains(TestBinding binding) =>
        spans.TryGetValue(binding.File, out var list) && list.Any(span => span.Contains(binding.Span));
}
