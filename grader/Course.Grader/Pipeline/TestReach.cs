using Course.Grader.Analyze;
using Microsoft.CodeAnalysis;

namespace Course.Grader.Pipeline;

/// <summary>
/// Which tests can reach which homework members, through any chain of calls: the member graph of the homework and its
/// test suites, where creating an instance of a homework type also reaches its overrides (a test calls
/// <c>module.call(x)</c> and TorchSharp calls the student's <c>forward</c>, an edge no syntax shows). Over-approximate on
/// purpose: a test that may reach a member counts.
/// </summary>
sealed class TestReach
{
    readonly MemberGraph graph;
    readonly IReadOnlyDictionary<string, IReadOnlyList<string>> dispatch;
    readonly Dictionary<string, ISet<string>> reachable = new(StringComparer.Ordinal);

    TestReach(MemberGraph graph, IReadOnlyDictionary<string, IReadOnlyList<string>> dispatch, IReadOnlyList<(string TestName, string MethodId)> tests)
    {
        this.graph = graph;
        this.dispatch = dispatch;
        Tests = tests;
    }

    /// <summary>Every test method by its name prefix (Namespace.Class.Method) and its member ID.</summary>
    public IReadOnlyList<(string TestName, string MethodId)> Tests { get; }

    public static TestReach Of(Compilation homework, IEnumerable<Compilation> suites, MemberGraph? homeworkGraph = null)
    {
        var suiteList = suites.ToList();
        var graph = MemberGraph.Merge([homeworkGraph ?? MemberGraph.Build(homework), .. suiteList.Select(MemberGraph.Build)]);
        return new TestReach(graph, OverridesByInstantiation(homework), [.. suiteList.SelectMany(TestMethods)]);
    }

    /// <summary>The members <paramref name="methodId"/> can reach, itself included.</summary>
    public ISet<string> From(string methodId)
    {
        if (reachable.TryGetValue(methodId, out var known)) return known;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>([methodId]);
        while (pending.TryDequeue(out var next))
        {
            if (seen.Contains(next)) continue;
            foreach (var member in graph.Reachable(next))
            {
                if (!seen.Add(member)) continue;
                foreach (var target in dispatch.GetValueOrDefault(member) ?? []) pending.Enqueue(target);
            }
        }
        return reachable[methodId] = seen;
    }

    /// <summary>The names of the tests that can reach <paramref name="memberId"/>, in ordinal order.</summary>
    public IReadOnlyList<string> TestsReaching(string memberId) =>
        [.. Tests.Where(t => From(t.MethodId).Contains(memberId)).Select(t => t.TestName).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>The ID of the member declared around line <paramref name="line"/> (1-based) of <paramref name="file"/>, or null.</summary>
    public static string? MemberAt(Compilation homework, string file, int line)
    {
        var tree = homework.SyntaxTrees.FirstOrDefault(t => t.FilePath == file);
        if (tree is null || line < 1 || line > tree.GetText().Lines.Count) return null;
        var token = tree.GetRoot().FindToken(tree.GetText().Lines[line - 1].Start);
        return token.Parent is { } node ? MemberGraph.ContainingMemberId(homework.GetSemanticModel(tree), node) : null;
    }

    /// <summary>For each constructor of a homework type: the methods the framework may call on its instances (overrides and interface implementations, its base types' included).</summary>
    static IReadOnlyDictionary<string, IReadOnlyList<string>> OverridesByInstantiation(Compilation homework)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var type in Types(homework.Assembly.GlobalNamespace))
        {
            var dispatched = new List<string>();
            for (var t = type; t is not null && SymbolEqualityComparer.Default.Equals(t.ContainingAssembly, homework.Assembly); t = t.BaseType)
                dispatched.AddRange(t.GetMembers().OfType<IMethodSymbol>()
                    .Where(m => m.IsOverride || m.ExplicitInterfaceImplementations.Length > 0 || ImplementsInterface(m))
                    .Select(m => SymbolIds.Of(m.AssociatedSymbol ?? m)).OfType<string>());
            if (dispatched.Count == 0) continue;
            foreach (var trigger in type.InstanceConstructors.Select(c => SymbolIds.Of(c)).OfType<string>())
                result[trigger] = dispatched;
        }
        return result;
    }

    static bool ImplementsInterface(IMethodSymbol method) =>
        method.ContainingType.AllInterfaces.SelectMany(i => i.GetMembers()).Any(m =>
            SymbolEqualityComparer.Default.Equals(method.ContainingType.FindImplementationForInterfaceMember(m), method));

    static IEnumerable<INamedTypeSymbol> Types(INamespaceOrTypeSymbol container)
    {
        foreach (var member in container.GetMembers())
        {
            if (member is INamedTypeSymbol type) yield return type;
            if (member is INamespaceOrTypeSymbol nested)
                foreach (var inner in Types(nested)) yield return inner;
        }
    }

    /// <summary>Every method with an NUnit test attribute, by its test name prefix (Namespace.Class.Method).</summary>
    static IEnumerable<(string TestName, string MethodId)> TestMethods(Compilation suite)
    {
        var stack = new Stack<INamespaceOrTypeSymbol>([suite.Assembly.GlobalNamespace]);
        while (stack.TryPop(out var container))
        {
            foreach (var member in container.GetMembers())
            {
                if (member is INamespaceOrTypeSymbol nested) stack.Push(nested);
                if (member is IMethodSymbol method && method.GetAttributes().Any(a => a.AttributeClass?.ContainingNamespace?.ToDisplayString() == "NUnit.Framework"
                        && a.AttributeClass.Name is "TestAttribute" or "TestCaseAttribute" or "TestCaseSourceAttribute" or "TheoryAttribute"))
                {
                    var id = DocumentationCommentId.CreateDeclarationId(method);
                    if (id is null) continue;
                    var tilde = id.IndexOf('~');
                    yield return ($"{method.ContainingType.ToDisplayString()}.{method.Name}", tilde < 0 ? id : id[..tilde]);
                }
            }
        }
    }
}
