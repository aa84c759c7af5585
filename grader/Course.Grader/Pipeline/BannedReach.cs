using Course.Grader.Analyze;
using Course.Grader.Compile;
using Microsoft.CodeAnalysis;

namespace Course.Grader.Pipeline;

/// <summary>Which tests can reach a banned API use in the homework, through any chain of calls.</summary>
static class BannedReach
{
    public static IReadOnlyDictionary<string, AnalysisFinding> ForTests(
        MemberGraph graph, IReadOnlyList<AnalysisFinding> violations, IEnumerable<AssemblyCompileResult> suites, Compilation homework)
    {
        var result = new Dictionary<string, AnalysisFinding>(StringComparer.Ordinal);
        if (violations.Count == 0) return result;
        var byMember = violations.Where(v => v.Member is not null).GroupBy(v => v.Member!).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var dispatch = OverridesByInstantiation(homework);
        foreach (var (testName, methodId) in suites.SelectMany(TestMethods))
        {
            var hit = Reachable(graph, dispatch, methodId).Select(m => byMember.GetValueOrDefault(m)).FirstOrDefault(v => v is not null);
            if (hit is not null) result[testName] = hit;
        }
        return result;
    }

    /// <summary>
    /// The members reachable from <paramref name="root"/>, where reaching a homework type's constructor also reaches its
    /// overrides: a test calls <c>module.call(x)</c> and TorchSharp calls the student's <c>forward</c>, an edge no syntax
    /// shows. Over-approximate on purpose: a banned call in any override of a type a test creates counts. Naming the type
    /// alone (a static call) does not create an instance, so it does not count.
    /// </summary>
    static ISet<string> Reachable(MemberGraph graph, IReadOnlyDictionary<string, IReadOnlyList<string>> dispatch, string root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>([root]);
        while (pending.TryDequeue(out var next))
        {
            if (seen.Contains(next)) continue;
            foreach (var member in graph.Reachable(next))
            {
                if (!seen.Add(member)) continue;
                foreach (var target in dispatch.GetValueOrDefault(member) ?? []) pending.Enqueue(target);
            }
        }
        return seen;
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
    static IEnumerable<(string TestName, string MethodId)> TestMethods(AssemblyCompileResult suite)
    {
        var compilation = suite.Compilation;
        var stack = new Stack<INamespaceOrTypeSymbol>([compilation.Assembly.GlobalNamespace]);
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
