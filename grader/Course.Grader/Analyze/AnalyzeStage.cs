using Course.Grader.Manifest;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Analyze;

/// <summary>
/// Finds banned API uses, unsafe code and stubs left in place in the student's code, by symbol through
/// the semantic model (never by text), so aliases, <c>using static</c> and extension methods all count.
/// </summary>
public static class AnalyzeStage
{
    public static AnalysisResult Analyze(Compilation homework, IEnumerable<BannedApi> assignmentBans, Func<SyntaxTree, string>? displayPath = null)
    {
        displayPath ??= tree => tree.FilePath;
        var bans = SandboxPolicy.Apis.Select(b => (Ban: b, Kind: FindingKind.SandboxViolation))
            .Concat(assignmentBans.Select(b => (Ban: b, Kind: FindingKind.BannedApi)))
            .ToList();
        var findings = new List<AnalysisFinding>();
        foreach (var tree in homework.SyntaxTrees)
        {
            var model = homework.GetSemanticModel(tree);
            var path = displayPath(tree);
            foreach (var node in tree.GetRoot().DescendantNodesAndSelf())
            {
                var finding = Inspect(node, model, bans, path);
                if (finding is not null) findings.Add(finding);
            }
        }
        var distinct = findings
            .GroupBy(f => (f.File, f.Line, f.Column, f.Kind))
            .Select(g => g.First())
            .OrderBy(f => f.File, StringComparer.Ordinal).ThenBy(f => f.Line).ThenBy(f => f.Column)
            .ToList();
        return new AnalysisResult(distinct, MemberGraph.Build(homework));
    }

    static AnalysisFinding? Inspect(SyntaxNode node, SemanticModel model, List<(BannedApi Ban, FindingKind Kind)> bans, string path)
    {
        AnalysisFinding At(SyntaxNode at, FindingKind kind, string api, string message)
        {
            var span = at.GetLocation().GetLineSpan().StartLinePosition;
            return new AnalysisFinding(kind, path, span.Line + 1, span.Character + 1, api, message, MemberGraph.ContainingMemberId(model, at));
        }

        switch (node)
        {
            case UnsafeStatementSyntax or PointerTypeSyntax or FunctionPointerTypeSyntax:
                return At(node, FindingKind.UnsafeCode, "unsafe", "unsafe code and pointers are not allowed in homework code");
            case MemberDeclarationSyntax member when member.Modifiers.Any(m => m.IsKind(SyntaxKind.UnsafeKeyword)):
                return At(node, FindingKind.UnsafeCode, "unsafe", "unsafe code and pointers are not allowed in homework code");
            case MethodDeclarationSyntax method when method.Modifiers.Any(m => m.IsKind(SyntaxKind.ExternKeyword)):
                return At(node, FindingKind.UnsafeCode, "extern", "extern (native) methods are not allowed in homework code");
            case ThrowStatementSyntax { Expression: { } thrown } when IsNotImplemented(thrown, model):
            case ThrowExpressionSyntax { Expression: var thrownExpression } when IsNotImplemented(thrownExpression, model):
                return At(node, FindingKind.StubLeft, "NotImplementedException", "this part is still the starter's stub");
            case SimpleNameSyntax or ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax:
                // In "a.b.C" only the outermost name matters; the namespace parts resolve to namespaces.
                // A method group that fails to convert still names its candidates: any banned one counts.
                var info = model.GetSymbolInfo(node);
                var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault(c => bans.Any(b => b.Ban.Matches(c)));
                if (symbol is null or INamespaceSymbol) return null;
                var hit = bans.FirstOrDefault(b => b.Ban.Matches(symbol));
                if (hit.Ban is null) return null;
                var api = symbol.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);
                return At(node, hit.Kind, api, hit.Ban.Message);
            default:
                return null;
        }
    }

    static bool IsNotImplemented(ExpressionSyntax thrown, SemanticModel model) =>
        model.GetTypeInfo(thrown).Type is { Name: nameof(NotImplementedException), ContainingNamespace.Name: "System" };
}
