using Microsoft.CodeAnalysis;

namespace Course.Grader.Fairness;

/// <summary>
/// What NUnit makes a fixture of, for the checks that read test code (<see cref="TestHeldState"/>, <see cref="UnscopedTests"/>):
/// a class that is not abstract and has a test method, its own or inherited. NUnit makes one instance of it and runs all those
/// tests on it, so every field that instance has, its base types' included, lives from the first test to the last.
/// </summary>
static class TestFixtures
{
    /// <summary>A class NUnit runs tests on.</summary>
    public static bool IsFixture(INamedTypeSymbol type) =>
        type is { TypeKind: TypeKind.Class, IsAbstract: false } && Chain(type).Any(t => t.GetMembers().OfType<IMethodSymbol>().Any(Pipeline.TestReach.IsTestMethod));

    /// <summary>The types whose fields a fixture of this suite's own source has: each fixture and its base types.</summary>
    public static IReadOnlySet<INamedTypeSymbol> WithFixtureFields(Compilation suite) =>
        (from tree in suite.SyntaxTrees
         let model = suite.GetSemanticModel(tree)
         from declaration in tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax>()
         let type = model.GetDeclaredSymbol(declaration) as INamedTypeSymbol
         where type is not null && IsFixture(type)
         from t in Chain(type)
         select t).ToHashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);

    /// <summary>A type and its base types, nearest first.</summary>
    public static IEnumerable<INamedTypeSymbol> Chain(INamedTypeSymbol type)
    {
        for (var t = type; t is not null; t = t.BaseType) yield return t;
    }
}
