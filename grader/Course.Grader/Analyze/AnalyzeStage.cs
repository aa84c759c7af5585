using Course.Grader.Manifest;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Analyze;

/// <summary>
/// Checks every symbol the student's code uses, explicit or implicit (see <see cref="SymbolUses"/>), against the
/// homework's allow-list (see <see cref="SandboxPolicy"/>) and its manifest's bans, by symbol through the semantic
/// model, never by text: aliases, <c>using static</c>, extension methods, operators, conversions and the calls behind
/// foreach or await all count. Also finds unsafe code, methods that would decide how homework values compare
/// (<see cref="ValueComparison"/>), overrides of what the tests read a module through (<see cref="LibraryOverrides"/>),
/// exceptions let out as anything but exceptions (<see cref="OpaqueExceptions"/>),
/// tensor accessors kept past the copy of a tensor's values (<see cref="TensorAccessors"/>), state kept in static fields
/// (<see cref="StaticState"/>), finalizers,
/// types too large to read in time (<see cref="TypeSize"/>), and stubs left in place.
/// </summary>
public static class AnalyzeStage
{
    /// <param name="allowList">What the homework may use; <see cref="SandboxPolicy.For(AssignmentManifest)"/>.</param>
    public static AnalysisResult Analyze(Compilation homework, AllowList allowList, IEnumerable<BannedApi> assignmentBans,
        Func<SyntaxTree, string>? displayPath = null, CancellationToken cancellationToken = default)
    {
        displayPath ??= tree => tree.FilePath;
        var bans = assignmentBans.ToList();
        var findings = new List<AnalysisFinding>();
        var usesIn = SymbolUses.Of(homework, cancellationToken).ToLookup(u => u.At.SyntaxTree);
        // The manifest's ban of each definition, read once: a type or member is used at many places.
        var banOf = new Dictionary<ISymbol, BannedApi?>(SymbolEqualityComparer.Default);
        BannedApi? BanOf(ISymbol definition) =>
            banOf.TryGetValue(definition, out var known) ? known : banOf[definition] = bans.FirstOrDefault(b => b.Matches(definition));
        // The grader's own generated file (global usings, the target framework attribute) is not the student's code.
        foreach (var tree in homework.SyntaxTrees.Where(t => t.FilePath != Compile.BuildSettings.GeneratedFilePath))
        {
            var model = homework.GetSemanticModel(tree);
            var path = displayPath(tree);
            AnalysisFinding At(SyntaxNode at, FindingKind kind, string api, string message)
            {
                var span = at.GetLocation().GetLineSpan().StartLinePosition;
                return new AnalysisFinding(kind, path, span.Line + 1, span.Character + 1, api, message, MemberGraph.NodeOf(model, at));
            }

            foreach (var node in tree.GetRoot(cancellationToken).DescendantNodes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Syntactic(node, model) is var (kind, api, message))
                    findings.Add(At(node, kind, api, message));
                foreach (var (at, compares) in ValueComparison.WrittenAt(node, model, cancellationToken))
                    findings.Add(At(at, FindingKind.SandboxViolation, compares.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat), ValueComparison.Message));
                if (LibraryOverrides.WrittenAt(node, model, cancellationToken) is { } overridden)
                    findings.Add(At(node, FindingKind.SandboxViolation, overridden.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat), LibraryOverrides.Message));
                if (StaticState.LibraryStaticWrittenAt(node, model) is { } written)
                    findings.Add(At(node, FindingKind.SandboxViolation, $"setting {written.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)}", StaticState.LibraryMessage));
                foreach (var (at, field) in StaticState.DeclaredBy(node, model))
                    findings.Add(At(at, FindingKind.SandboxViolation, $"static state {field.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)}", StaticState.Message));
            }
            // An argument given to a static throw helper of an exception type may be one (OpaqueExceptions.LetOut).
            var usesAt = usesIn[tree].ToLookup(u => u.At);
            ISymbol? SymbolAt(SyntaxNode at) => usesAt[at].FirstOrDefault(u => u.Aspect == UseAspect.Symbol).Symbol;
            foreach (var atNode in usesAt)
            {
                if (OpaqueExceptions.LetOut(atNode.Key, atNode, SymbolAt) is { } became)
                    findings.Add(At(atNode.Key, FindingKind.SandboxViolation, $"an exception as {became}", OpaqueExceptions.Message));
                if (TensorAccessors.Kept(atNode.Key, atNode, SymbolAt) is { } accessor)
                    findings.Add(At(atNode.Key, FindingKind.SandboxViolation, Shown(accessor is ITypeSymbol type ? type.WithNullableAnnotation(NullableAnnotation.None) : accessor), TensorAccessors.Message));
            }
            foreach (var use in usesIn[tree])
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (IsQualifierOrImport(use)) continue;
                var symbol = use.Symbol;
                // Read no further into a type too large to read in time: its name alone is the finding.
                if (TypeSize.Exceeds(symbol))
                {
                    findings.Add(At(NameOf(use.At), FindingKind.SandboxViolation, TypeSize.Shown(symbol), TypeSize.Message));
                    continue;
                }
                if (BanOf(Definition(symbol)) is { } ban)
                    findings.Add(At(NameOf(use.At), FindingKind.BannedApi, Shown(symbol), ban.Message));
                else if (allowList.Verdict(symbol, homework.Assembly) is { } problem)
                    findings.Add(At(NameOf(use.At), FindingKind.SandboxViolation, Shown(symbol), problem));
            }
        }
        // One finding per use: a call shows up at its invocation, its member access and its name.
        var distinct = findings
            .GroupBy(f => (f.File, f.Line, f.Kind, f.Api))
            .Select(g => g.MinBy(f => f.Column)!)
            .OrderBy(f => f.File, StringComparer.Ordinal).ThenBy(f => f.Line).ThenBy(f => f.Column)
            .ToList();
        return new AnalysisResult(distinct, new Lazy<MemberGraph>(() => MemberGraph.Build(homework)));
    }

    /// <summary>What syntax alone shows: unsafe code, extern methods, undocumented keywords, and stubs left in place.</summary>
    static (FindingKind Kind, string Api, string Message)? Syntactic(SyntaxNode node, SemanticModel model)
    {
        const string Unsafe = "unsafe code and pointers are not allowed in homework code";
        switch (node)
        {
            case UnsafeStatementSyntax or PointerTypeSyntax or FunctionPointerTypeSyntax or FixedStatementSyntax:
                return (FindingKind.UnsafeCode, "unsafe", Unsafe);
            case MemberDeclarationSyntax member when member.Modifiers.Any(m => m.IsKind(SyntaxKind.UnsafeKeyword)):
                return (FindingKind.UnsafeCode, "unsafe", Unsafe);
            case LocalFunctionStatementSyntax local when local.Modifiers.Any(m => m.IsKind(SyntaxKind.UnsafeKeyword) || m.IsKind(SyntaxKind.ExternKeyword)):
                return (FindingKind.UnsafeCode, "unsafe", Unsafe);
            case MethodDeclarationSyntax method when method.Modifiers.Any(m => m.IsKind(SyntaxKind.ExternKeyword)):
                return (FindingKind.UnsafeCode, "extern", "extern (native) methods are not allowed in homework code");
            case MakeRefExpressionSyntax or RefTypeExpressionSyntax or RefValueExpressionSyntax
                or LiteralExpressionSyntax { RawKind: (int)SyntaxKind.ArgListExpression }:
                return (FindingKind.UnsafeCode, node.GetFirstToken().Text, "__makeref, __reftype, __refvalue and __arglist are not allowed in homework code");
            case LockStatementSyntax:
                return (FindingKind.SandboxViolation, "lock", "Homework code runs on one thread and may not take locks; tensor ops are parallel already.");
            // A finalizer runs on the runtime's finalizer thread, beside the tests, whenever a collection finds its object:
            // background work that no test calls and no test's time limit stops (a red team kept one spinning through a run).
            case DestructorDeclarationSyntax:
                return (FindingKind.SandboxViolation, "a finalizer", "Homework code may not write a finalizer (~T()): it runs on another thread, beside the tests. Dispose what you make with using.");
            case ExternAliasDirectiveSyntax:
                return (FindingKind.UnsafeCode, "extern alias", "extern aliases are not allowed in homework code");
            case ThrowStatementSyntax { Expression: { } thrown } when IsNotImplemented(thrown, model):
            case ThrowExpressionSyntax { Expression: var thrownExpression } when IsNotImplemented(thrownExpression, model):
                return (FindingKind.StubLeft, "NotImplementedException", "this part is still the starter's stub");
            default:
                return null;
        }
    }

    /// <summary>
    /// A type named only to reach a member (<c>Console</c> in <c>Console.WriteLine</c>, a namespace qualifier) or to
    /// import it (<c>using static</c>) is not a use of the type: the member is checked where it is used.
    /// </summary>
    static bool IsQualifierOrImport(SymbolUse use)
    {
        if (use.Symbol is not (INamespaceOrTypeSymbol or IAliasSymbol) || use.At is not (NameSyntax or MemberAccessExpressionSyntax)) return false;
        var node = use.At;
        // The last name of "System.Console" stands for the whole qualified name or member access.
        while (node.Parent is QualifiedNameSyntax { Right: var right } qualified && right == node
               || node.Parent is MemberAccessExpressionSyntax { Name: var name } && name == node)
            node = node.Parent;
        if (node.FirstAncestorOrSelf<UsingDirectiveSyntax>() is not null) return true;
        return node.Parent switch
        {
            MemberAccessExpressionSyntax access => access.Expression == node,
            QualifiedNameSyntax qualified => qualified.Left == node,
            AliasQualifiedNameSyntax alias => alias.Alias == node,
            _ => false,
        };
    }

    /// <summary>Where a use reads in the source: the member's name in a call chain (<c>.GetField</c> in <c>a.b().GetField()</c>), not the chain's start.</summary>
    static SyntaxNode NameOf(SyntaxNode node) => node switch
    {
        InvocationExpressionSyntax call => NameOf(call.Expression),
        MemberAccessExpressionSyntax access => access.Name,
        MemberBindingExpressionSyntax binding => binding.Name,
        ConditionalAccessExpressionSyntax conditional => NameOf(conditional.WhenNotNull),
        PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression } suppressed => NameOf(suppressed.Operand),
        ParenthesizedExpressionSyntax parenthesized => NameOf(parenthesized.Expression),
        _ => node,
    };

    /// <summary>How a finding names what it uses; an extension method reads as the static method it is: Queryable.AsQueryable&lt;int&gt;(IEnumerable&lt;int&gt;).</summary>
    static string Shown(ISymbol symbol) =>
        (symbol is IMethodSymbol { ReducedFrom: not null } reduced ? reduced.GetConstructedReducedFrom() ?? symbol : symbol)
        .ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);

    static ISymbol Definition(ISymbol symbol) =>
        symbol is IMethodSymbol method ? (method.ReducedFrom ?? method).OriginalDefinition : symbol.OriginalDefinition;

    static bool IsNotImplemented(ExpressionSyntax thrown, SemanticModel model) =>
        model.GetTypeInfo(thrown).Type is { Name: nameof(NotImplementedException), ContainingNamespace.Name: "System" };
}
