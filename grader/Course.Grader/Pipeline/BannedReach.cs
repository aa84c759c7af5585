using Course.Grader.Analyze;
using Course.Grader.Compile;
using Microsoft.CodeAnalysis;

namespace Course.Grader.Pipeline;

/// <summary>Which tests can reach a banned API use in the homework, through any chain of calls.</summary>
static class BannedReach
{
    public static IReadOnlyDictionary<string, AnalysisFinding> ForTests(MemberGraph graph, IReadOnlyList<AnalysisFinding> violations, IEnumerable<AssemblyCompileResult> suites)
    {
        var result = new Dictionary<string, AnalysisFinding>(StringComparer.Ordinal);
        if (violations.Count == 0) return result;
        var byMember = violations.Where(v => v.Member is not null).GroupBy(v => v.Member!).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var (testName, methodId) in suites.SelectMany(TestMethods))
        {
            var hit = graph.Reachable(methodId).Select(m => byMember.GetValueOrDefault(m)).FirstOrDefault(v => v is not null);
            if (hit is not null) result[testName] = hit;
        }
        return result;
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
