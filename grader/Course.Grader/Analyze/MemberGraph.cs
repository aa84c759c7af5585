using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Analyze;

/// <summary>
/// Which members each member of a compilation refers to, by documentation comment ID. Graphs of the
/// homework and of its tests are merged to find the homework code each test can reach.
/// </summary>
public sealed class MemberGraph
{
    readonly Dictionary<string, HashSet<string>> edges = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Members => edges.Keys;

    public static MemberGraph Build(Compilation compilation)
    {
        var graph = new MemberGraph();
        graph.AddDispatchEdges(compilation);
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                if (!MayCall(node)) continue;
                var target = model.GetSymbolInfo(node).Symbol;
                var from = ContainingMemberId(model, node);
                if (target is null || from is null) continue;
                var id = SymbolIds.Of(target);
                if (id is not null) graph.Add(from, id);
            }
        }
        return graph;
    }

    /// <summary>
    /// A name, a <c>new</c>, and the syntax that calls a member without naming it: an indexer (<c>cache["name"]</c>), an
    /// operator, a conversion written as a cast, a <c>base(...)</c> or <c>this(...)</c> constructor call.
    /// </summary>
    static bool MayCall(SyntaxNode node) => node is SimpleNameSyntax or ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax
        or ElementAccessExpressionSyntax or ImplicitElementAccessSyntax or ConstructorInitializerSyntax or CastExpressionSyntax
        or BinaryExpressionSyntax or PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax or AssignmentExpressionSyntax;

    public static MemberGraph Merge(params MemberGraph[] graphs)
    {
        var merged = new MemberGraph();
        foreach (var graph in graphs)
            foreach (var (from, targets) in graph.edges)
                foreach (var to in targets) merged.Add(from, to);
        return merged;
    }

    /// <summary>Every member reachable from <paramref name="root"/>, itself included.</summary>
    public ISet<string> Reachable(string root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { root };
        var queue = new Queue<string>([root]);
        while (queue.TryDequeue(out var member))
            if (edges.TryGetValue(member, out var targets))
                foreach (var t in targets)
                    if (seen.Add(t)) queue.Enqueue(t);
        return seen;
    }

    /// <summary>
    /// A call through an interface or a virtual member may land in any implementation or override declared
    /// here, so the graph leads from the one to the others (a safe over-approximation).
    /// </summary>
    void AddDispatchEdges(Compilation compilation)
    {
        var types = new Stack<INamespaceOrTypeSymbol>([compilation.Assembly.GlobalNamespace]);
        while (types.TryPop(out var container))
        {
            foreach (var member in container.GetMembers())
            {
                if (member is INamespaceOrTypeSymbol nested) types.Push(nested);
                if (member is not INamedTypeSymbol type) continue;
                foreach (var contract in type.AllInterfaces.SelectMany(i => i.GetMembers()))
                    if (type.FindImplementationForInterfaceMember(contract) is { } implementation)
                        AddIds(contract, implementation);
                foreach (var own in type.GetMembers())
                    if (own switch { IMethodSymbol m => m.OverriddenMethod, IPropertySymbol p => p.OverriddenProperty, _ => (ISymbol?)null } is { } overridden)
                        AddIds(overridden, own);
            }
        }
    }

    void AddIds(ISymbol from, ISymbol to)
    {
        if (SymbolIds.Of(from) is { } f && SymbolIds.Of(to) is { } t && f != t) Add(f, t);
    }

    void Add(string from, string to)
    {
        if (!edges.TryGetValue(from, out var targets)) edges[from] = targets = new(StringComparer.Ordinal);
        targets.Add(to);
    }

    internal static string? ContainingMemberId(SemanticModel model, SyntaxNode node)
    {
        for (var n = node; n is not null; n = n.Parent)
        {
            if (n is MemberDeclarationSyntax or AccessorDeclarationSyntax && model.GetDeclaredSymbol(n) is { } symbol)
            {
                // Accessors belong to their property; field initialisers to the field's type's constructors.
                if (symbol is IMethodSymbol { AssociatedSymbol: { } owner }) symbol = owner;
                return SymbolIds.Of(symbol);
            }
        }
        return null;
    }
}

static class SymbolIds
{
    /// <summary>
    /// The declaration ID of the symbol's original definition (generic and extension forms unwrapped), in
    /// the BannedApiAnalyzers form: no "~ReturnType" suffix except on conversion operators, which need it.
    /// </summary>
    public static string? Of(ISymbol symbol)
    {
        if (symbol is IMethodSymbol method)
            symbol = (method.ReducedFrom ?? method).OriginalDefinition;
        else
            symbol = symbol.OriginalDefinition;
        var id = DocumentationCommentId.CreateDeclarationId(symbol);
        if (id is null || symbol is IMethodSymbol { MethodKind: MethodKind.Conversion }) return id;
        var tilde = id.IndexOf('~', id.IndexOf('(') is var open and >= 0 ? open : 0);
        return tilde < 0 ? id : id[..tilde];
    }
}
