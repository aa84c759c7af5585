using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Course.Grader.Analyze;

/// <summary>
/// Which members each member of a compilation refers to, by documentation comment ID. Graphs of the
/// homework and of its tests are merged to find the homework code each test can reach.
/// </summary>
public sealed class MemberGraph
{
    readonly Dictionary<string, HashSet<string>> edges = new(StringComparer.Ordinal);
    readonly HashSet<string> ambient = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Members => edges.Keys;

    /// <summary>
    /// Nodes that may run when no call in the code leads to them, so any test may run them: what the runtime runs on
    /// its own (static constructors, finalizers, module initializers, a type's field initializers and a property's
    /// initializer, which sit in the type's or the property's node), and what a delegate may run long after it was made,
    /// from anywhere (a lambda, an anonymous method or a local function, each a node of its own (<see cref="NodeOf"/>),
    /// and a method used as a delegate).
    /// </summary>
    public IReadOnlySet<string> Ambient => ambient;

    /// <summary>
    /// Edges for every symbol the code uses as <see cref="SymbolUses"/> reads them, the analyzer's own reading: names,
    /// member accesses, operators and conversions, and the calls the compiler makes on the code's behalf (foreach, await,
    /// deconstruction, collection initializers, query expressions), so that reach misses no call the allow-list checks.
    /// </summary>
    public static MemberGraph Build(Compilation compilation)
    {
        var graph = new MemberGraph();
        graph.AddTypeEdges(compilation);
        var models = compilation.SyntaxTrees.ToDictionary(tree => tree, tree => compilation.GetSemanticModel(tree));
        foreach (var use in SymbolUses.Of(compilation))
        {
            // The type of a value calls nothing (its static constructor is ambient).
            if (use.Aspect is UseAspect.Type or UseAspect.ConvertedType) continue;
            var model = models[use.At.SyntaxTree];
            if (NodeOf(model, use.At) is not { } from || SymbolIds.Of(use.Symbol) is not { } to) continue;
            graph.Add(from, to);
            graph.AddConstructedTypes(from, use.Symbol);
            if (use.Symbol is IMethodSymbol && model.GetOperation(use.At) is IMethodReferenceOperation) graph.ambient.Add(to);
        }
        foreach (var (tree, model) in models)
        {
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                if (IsDelegateBody(node) && DelegateId(model, node) is { } body)
                {
                    // Where it is made may run it at once; whoever holds it may run it later.
                    if (NodeOf(model, node) is { } maker) graph.Add(maker, body);
                    graph.ambient.Add(body);
                }
                else if (node is PropertyDeclarationSyntax { Initializer: not null } && ContainingMemberId(model, node) is { } property)
                    graph.ambient.Add(property);
            }
        }
        return graph;
    }

    /// <summary>
    /// A generic method or type whose type parameter may be constructed (<c>new T()</c>, a <c>new()</c> or <c>struct</c>
    /// constraint) calls the parameterless constructor of the type it is given.
    /// </summary>
    void AddConstructedTypes(string from, ISymbol symbol)
    {
        var (parameters, arguments) = symbol switch
        {
            IMethodSymbol m => (m.TypeParameters, m.TypeArguments),
            INamedTypeSymbol t => (t.TypeParameters, t.TypeArguments),
            _ => ([], []),
        };
        foreach (var (parameter, argument) in parameters.Zip(arguments))
            if (parameter.HasConstructorConstraint || parameter.HasValueTypeConstraint)
                foreach (var constructor in (argument as INamedTypeSymbol)?.InstanceConstructors.Where(c => c.Parameters.Length == 0) ?? [])
                    if (SymbolIds.Of(constructor) is { } id) Add(from, id);
    }

    public static MemberGraph Merge(params MemberGraph[] graphs)
    {
        var merged = new MemberGraph();
        foreach (var graph in graphs)
            foreach (var (from, targets) in graph.edges)
                foreach (var to in targets) merged.Add(from, to);
        return merged;
    }

    /// <summary>The members <paramref name="member"/> refers to directly.</summary>
    public IReadOnlyCollection<string> Targets(string member) => edges.TryGetValue(member, out var targets) ? targets : [];

    /// <summary>Every member reachable from <paramref name="root"/>, itself included.</summary>
    public ISet<string> Reachable(string root) => Reachable([root]);

    /// <summary>
    /// Every member reachable from <paramref name="roots"/>, themselves included, in one walk however many roots.
    /// <paramref name="calledBack"/> adds the edges no syntax shows, from a member to what a framework may call because of it
    /// (see <see cref="CalledBackOnInstances"/>).
    /// </summary>
    public ISet<string> Reachable(IEnumerable<string> roots, IReadOnlyDictionary<string, IReadOnlyList<string>>? calledBack = null)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>(roots);
        while (pending.TryDequeue(out var member))
        {
            if (!seen.Add(member)) continue;
            foreach (var target in Targets(member)) pending.Enqueue(target);
            foreach (var target in calledBack?.GetValueOrDefault(member) ?? []) pending.Enqueue(target);
        }
        return seen;
    }

    /// <summary>
    /// For each constructor of a type of <paramref name="code"/>: the methods a framework may call on its instances (overrides
    /// and interface implementations, its base types' in the same assembly included). A test calls <c>module.call(x)</c> and
    /// TorchSharp calls the module's <c>forward</c>, an edge no syntax shows.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> CalledBackOnInstances(Compilation code, CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        // Each type's list is its own methods' and its base type's list, made once: walking every type's chain of bases, and
        // every interface member for each method, made a chain of empty classes under a wide interface cubic (red team, stop 61, c01).
        var lists = new Dictionary<INamedTypeSymbol, IReadOnlyList<string>>(SymbolEqualityComparer.Default);
        IReadOnlyList<string> Dispatched(INamedTypeSymbol type)
        {
            var chain = new Stack<INamedTypeSymbol>();
            for (var t = type; t is not null && !lists.ContainsKey(t) && SymbolEqualityComparer.Default.Equals(t.ContainingAssembly, code.Assembly); t = t.BaseType)
                chain.Push(t);
            while (chain.TryPop(out var t))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var inherited = t.BaseType is { } b && lists.TryGetValue(b, out var l) ? l : [];
                // A method of t implements an interface member implicitly only for an interface t declares (an inherited one maps
                // as its declaring base type says; an override is IsOverride).
                var implementations = DeclaredInterfaces(t).SelectMany(i => i.GetMembers()).Select(t.FindImplementationForInterfaceMember).OfType<ISymbol>()
                    .ToHashSet(SymbolEqualityComparer.Default);
                var own = t.GetMembers().OfType<IMethodSymbol>()
                    .Where(m => m.IsOverride || m.ExplicitInterfaceImplementations.Length > 0 || implementations.Contains(m))
                    .Select(m => SymbolIds.Of(m.AssociatedSymbol ?? m)).OfType<string>().ToList();
                lists[t] = own.Count == 0 ? inherited : [.. own, .. inherited];
            }
            return lists.GetValueOrDefault(type) ?? [];
        }
        var types = new Stack<INamespaceOrTypeSymbol>([code.Assembly.GlobalNamespace]);
        while (types.TryPop(out var container))
            foreach (var member in container.GetMembers())
            {
                if (member is INamespaceOrTypeSymbol nested) types.Push(nested);
                if (member is not INamedTypeSymbol type) continue;
                var dispatched = Dispatched(type);
                if (dispatched.Count == 0) continue;
                foreach (var trigger in type.InstanceConstructors.Select(c => SymbolIds.Of(c)).OfType<string>())
                    result[trigger] = dispatched;
            }
        return result;
    }

    /// <summary>
    /// A call through an interface or a virtual member may land in any implementation or override declared
    /// here, so the graph leads from the one to the others (a safe over-approximation). Also finds the members the
    /// runtime runs on its own (see <see cref="Ambient"/>).
    /// </summary>
    void AddTypeEdges(Compilation compilation)
    {
        var types = new Stack<INamespaceOrTypeSymbol>([compilation.Assembly.GlobalNamespace]);
        while (types.TryPop(out var container))
        {
            foreach (var member in container.GetMembers())
            {
                if (member is INamespaceOrTypeSymbol nested) types.Push(nested);
                if (member is not INamedTypeSymbol type) continue;
                if (SymbolIds.Of(type) is { } typeId) ambient.Add(typeId);
                foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
                    if (method.MethodKind is MethodKind.StaticConstructor or MethodKind.Destructor
                        || method.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "System.Runtime.CompilerServices.ModuleInitializerAttribute"))
                        if (SymbolIds.Of(method) is { } id) ambient.Add(id);
                // The interfaces a type declares itself (and theirs) are mapped where it declares them; what a derived type
                // inherits maps as there, and an override it writes is reached through the edge to it below. Mapping every
                // inherited interface again in every derived type made a chain of classes under a wide interface cubic (red
                // team, stop 61, c01: 163 s for 1,500 of each).
                foreach (var contract in DeclaredInterfaces(type).SelectMany(i => i.GetMembers()))
                    if (type.FindImplementationForInterfaceMember(contract) is { } implementation)
                        AddIds(contract, implementation);
                foreach (var own in type.GetMembers())
                    if (own switch { IMethodSymbol m => m.OverriddenMethod, IPropertySymbol p => p.OverriddenProperty, _ => (ISymbol?)null } is { } overridden)
                        AddIds(overridden, own);
            }
        }
    }

    /// <summary>The interfaces <paramref name="type"/> declares itself, with the interfaces those extend.</summary>
    static IEnumerable<INamedTypeSymbol> DeclaredInterfaces(INamedTypeSymbol type) =>
        type.Interfaces.SelectMany(i => i.AllInterfaces.Append(i)).Distinct<INamedTypeSymbol>(SymbolEqualityComparer.Default);

    void AddIds(ISymbol from, ISymbol to)
    {
        if (SymbolIds.Of(from) is { } f && SymbolIds.Of(to) is { } t && f != t) Add(f, t);
    }

    void Add(string from, string to)
    {
        if (!edges.TryGetValue(from, out var targets)) edges[from] = targets = new(StringComparer.Ordinal);
        targets.Add(to);
    }

    /// <summary>
    /// The graph's node a piece of code sits in: the innermost lambda, anonymous method or local function around it (a
    /// node of its own, "member=>position", which its member leads to), else its member (<see cref="ContainingMemberId"/>).
    /// </summary>
    public static string? NodeOf(SemanticModel model, SyntaxNode node)
    {
        for (var n = node.Parent; n is not null && n is not (MemberDeclarationSyntax or AccessorDeclarationSyntax); n = n.Parent)
            if (IsDelegateBody(n)) return DelegateId(model, n);
        return ContainingMemberId(model, node);
    }

    static bool IsDelegateBody(SyntaxNode node) => node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax;

    static string? DelegateId(SemanticModel model, SyntaxNode body) =>
        ContainingMemberId(model, body) is { } member ? $"{member}=>{body.SpanStart}" : null;

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
    /// <remarks>
    /// Read once per symbol object, kept as long as the symbol lives (a symbol never changes): the analysis asks for the
    /// same symbols' IDs at every use, once per ban and allow-list entry, and the member graph again (in `course validate
    /// hw8-circuits`, 0.95 of the grader's 31 CPU-s went to these IDs, 0.13 once kept; see docs/speed.md, stop 65).
    /// </remarks>
    public static string? Of(ISymbol symbol) => Read.GetValue(symbol, static s => new(Compute(s))).Value;

    static readonly ConditionalWeakTable<ISymbol, StrongBox<string?>> Read = [];

    /// <summary>A namespace's full name, "" for the global one; read once per namespace symbol, as <see cref="Of"/>.</summary>
    public static string NamespaceName(INamespaceSymbol ns) => Names.GetValue(ns, static n => n.IsGlobalNamespace ? "" : n.ToDisplayString());

    static readonly ConditionalWeakTable<INamespaceSymbol, string> Names = [];

    static string? Compute(ISymbol symbol)
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
