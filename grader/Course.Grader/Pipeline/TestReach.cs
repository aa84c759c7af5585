using Course.Grader.Analyze;
using Course.Grader.Run;
using Microsoft.CodeAnalysis;

namespace Course.Grader.Pipeline;

/// <summary>
/// Which tests can reach which homework members, through any chain of calls: the member graph of the homework and its
/// test suites, where creating an instance of a homework type also reaches its overrides (a test calls
/// <c>module.call(x)</c> and TorchSharp calls the student's <c>forward</c>, an edge no syntax shows). A test starts from
/// its method and from what NUnit runs around it: its fixture's constructors, field initialisers and setup and teardown
/// methods, its base fixtures' included. Over-approximate on purpose: a test that may reach a member counts.
/// </summary>
sealed class TestReach
{
    readonly MemberGraph graph;
    readonly IReadOnlyDictionary<string, IReadOnlyList<string>> dispatch;
    readonly Dictionary<string, ISet<string>> reachable = new(StringComparer.Ordinal);

    readonly IReadOnlySet<string> homeworkMembers;

    TestReach(MemberGraph graph, IReadOnlyDictionary<string, IReadOnlyList<string>> dispatch, IReadOnlyList<(string TestName, IReadOnlyList<string> Roots)> tests,
        IReadOnlySet<string> homeworkMembers)
    {
        this.graph = graph;
        this.dispatch = dispatch;
        this.homeworkMembers = homeworkMembers;
        Tests = tests;
    }

    /// <summary>Every test method by its name prefix (Namespace.Class.Method), and the member IDs it starts from (its own first).</summary>
    public IReadOnlyList<(string TestName, IReadOnlyList<string> Roots)> Tests { get; }

    public static TestReach Of(Compilation homework, IEnumerable<Compilation> suites, MemberGraph? homeworkGraph = null, CancellationToken cancellationToken = default)
    {
        var suiteList = suites.ToList();
        var graph = MemberGraph.Merge([homeworkGraph ?? MemberGraph.Build(homework), .. suiteList.Select(MemberGraph.Build)]);
        var members = Types(homework.Assembly.GlobalNamespace).SelectMany(t => t.GetMembers().Append(t)).Select(Id).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return new TestReach(graph, MemberGraph.CalledBackOnInstances(homework, cancellationToken), [.. suiteList.SelectMany(TestMethods)], members);
    }

    /// <summary>The members <paramref name="methodId"/> can reach, itself included.</summary>
    public ISet<string> From(string methodId)
    {
        if (reachable.TryGetValue(methodId, out var known)) return known;
        return reachable[methodId] = FromAll([methodId]);
    }

    /// <summary>The members any of <paramref name="roots"/> can reach, the roots included: one walk of the graph and the dispatch, however many roots.</summary>
    public ISet<string> FromAll(IEnumerable<string> roots) => graph.Reachable(roots, dispatch);

    /// <summary>The members a test method can reach, from each of its roots (see <see cref="Tests"/>).</summary>
    public ISet<string> FromTest(IReadOnlyList<string> roots)
    {
        if (roots.Count == 1) return From(roots[0]);
        var key = string.Join('\n', roots);
        if (reachable.TryGetValue(key, out var known)) return known;
        var all = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in roots) all.UnionWith(From(root));
        return reachable[key] = all;
    }

    /// <summary>The names of the tests that can reach <paramref name="memberId"/>, in ordinal order.</summary>
    public IReadOnlyList<string> TestsReaching(string memberId) =>
        [.. Tests.Where(t => FromTest(t.Roots).Contains(memberId)).Select(t => t.TestName).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>
    /// The test methods <paramref name="name"/> names: a test method's name, a case of it ("Method(1,2)"), or a fixture's
    /// or namespace's prefix, as <c>--only</c> takes them.
    /// </summary>
    public IEnumerable<(string TestName, IReadOnlyList<string> Roots)> Named(string name) =>
        Tests.Where(t => TestNames.Selects(name, t.TestName) || TestNames.Selects(t.TestName, name));

    /// <summary>The members the tests <paramref name="name"/> names can reach (see <see cref="Named"/>); null when it names no test method.</summary>
    public ISet<string>? ReachedBy(string name)
    {
        var matching = Named(name).ToList();
        if (matching.Count == 0) return null;
        if (matching.Count == 1) return FromTest(matching[0].Roots);
        var all = new HashSet<string>(StringComparer.Ordinal);
        foreach (var test in matching) all.UnionWith(FromTest(test.Roots));
        return all;
    }

    /// <summary>How many of the homework's members (and types) the tests <paramref name="name"/> names can reach; null as for <see cref="ReachedBy"/>.</summary>
    public int? HomeworkMembersReachedBy(string name) => ReachedBy(name)?.Count(homeworkMembers.Contains);

    /// <summary>The ID of the member declared around line <paramref name="line"/> (1-based) of <paramref name="file"/>, or null.</summary>
    public static string? MemberAt(Compilation homework, string file, int line)
    {
        var tree = homework.SyntaxTrees.FirstOrDefault(t => t.FilePath == file);
        if (tree is null || line < 1 || line > tree.GetText().Lines.Count) return null;
        var token = tree.GetRoot().FindToken(tree.GetText().Lines[line - 1].Start);
        return token.Parent is { } node ? MemberGraph.ContainingMemberId(homework.GetSemanticModel(tree), node) : null;
    }

    static IEnumerable<INamedTypeSymbol> Types(INamespaceOrTypeSymbol container)
    {
        foreach (var member in container.GetMembers())
        {
            if (member is INamedTypeSymbol type) yield return type;
            if (member is INamespaceOrTypeSymbol nested)
                foreach (var inner in Types(nested)) yield return inner;
        }
    }

    /// <summary>
    /// Every method with an NUnit test attribute, by its test name prefix (Namespace.Class.Method), with its roots: itself,
    /// its fixture's (<see cref="FixtureRoots"/>), and those of every <c>[SetUpFixture]</c> of the suite (NUnit runs one
    /// around the tests of its namespace; taken for all of them, an over-approximation).
    /// </summary>
    internal static IEnumerable<(string TestName, IReadOnlyList<string> Roots)> TestMethods(Compilation suite)
    {
        var types = new List<INamedTypeSymbol>();
        var stack = new Stack<INamespaceOrTypeSymbol>([suite.Assembly.GlobalNamespace]);
        while (stack.TryPop(out var container))
        {
            foreach (var member in container.GetMembers().OfType<INamespaceOrTypeSymbol>())
            {
                stack.Push(member);
                if (member is INamedTypeSymbol type) types.Add(type);
            }
        }
        var setUpFixtures = types.Where(t => t.GetAttributes().Any(a => IsNUnit(a, "SetUpFixtureAttribute"))).SelectMany(FixtureRoots).ToList();
        foreach (var type in types)
            foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
                if (IsTestMethod(method) && Id(method) is { } id)
                    yield return ($"{type.ToDisplayString()}.{method.Name}", [id, .. FixtureRoots(type), .. setUpFixtures]);
    }

    static readonly string[] TestAttributes = ["TestAttribute", "TestCaseAttribute", "TestCaseSourceAttribute", "TheoryAttribute"];

    static readonly string[] AroundAttributes = ["SetUpAttribute", "TearDownAttribute", "OneTimeSetUpAttribute", "OneTimeTearDownAttribute"];

    /// <summary>What NUnit runs for any test of a fixture: the type (its field initialisers), constructors, setups and teardowns, of it and its bases.</summary>
    static IEnumerable<string> FixtureRoots(INamedTypeSymbol fixture)
    {
        for (var type = fixture; type is not null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
        {
            if (Id(type) is { } typeId) yield return typeId;
            foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
                if (method.MethodKind is MethodKind.Constructor or MethodKind.StaticConstructor || HasNUnitAttribute(method, AroundAttributes))
                    if (Id(method) is { } id) yield return id;
        }
    }

    /// <summary>A method NUnit runs as a test (<c>[Test]</c>, <c>[TestCase]</c>, <c>[TestCaseSource]</c>, <c>[Theory]</c>).</summary>
    internal static bool IsTestMethod(IMethodSymbol method) => HasNUnitAttribute(method, TestAttributes);

    static bool HasNUnitAttribute(IMethodSymbol method, string[] names) => method.GetAttributes().Any(a => names.Any(name => IsNUnit(a, name)));

    static bool IsNUnit(AttributeData attribute, string name) =>
        attribute.AttributeClass is { } type && type.Name == name && type.ContainingNamespace?.ToDisplayString() == "NUnit.Framework";

    /// <summary>The member's ID in the form <see cref="MemberGraph"/> uses.</summary>
    static string? Id(ISymbol symbol) => SymbolIds.Of(symbol);
}
