using Microsoft.CodeAnalysis;

namespace Course.Grader.Fairness;

/// <summary>
/// Every test starts from the same state of TorchSharp, whatever ran before it. The SDK's <c>TorchScope</c> (which
/// <c>TorchTest</c> carries) puts back the global seed, the default dtype, grad and inference mode before each test; a
/// fixture without it starts from what the test before it left. Homework code in one test could draw k numbers from the
/// global generator, and homework code in the next test, unscoped, read k back from a draw of its own: a channel between
/// tests, whether or not the next one uses TorchSharp itself (homework code may). So every fixture with a test method is
/// under <c>TorchScope</c>: it derives from <c>TorchTest</c>, or it, a base fixture or its assembly carries the attribute.
/// <c>course validate</c> names each that is not.
/// </summary>
public static class UnscopedTests
{
    /// <returns>One line per fixture not under TorchScope, saying how to mend it; empty when there is none.</returns>
    public static IReadOnlyList<string> Problems(IEnumerable<Compilation> suites) =>
        [.. from suite in suites
            where !suite.Assembly.GetAttributes().Any(IsTorchScope)
            from tree in suite.SyntaxTrees
            let model = suite.GetSemanticModel(tree)
            from declaration in tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax>()
            let type = model.GetDeclaredSymbol(declaration) as INamedTypeSymbol
            where type is not null && TestFixtures.IsFixture(type) && !TestFixtures.Chain(type).Any(t => t.GetAttributes().Any(IsTorchScope))
            let line = declaration.Identifier.GetLocation().GetLineSpan().StartLinePosition.Line + 1
            select $"{suite.AssemblyName}: {tree.FilePath.Replace('\\', '/')}:{line}: {type.Name} does not reset TorchSharp's state before each test (the seed, " +
                   "grad and inference mode), so its tests start from what the test before left, and homework code could carry state from that test " +
                   $"into them. Derive it from TorchTest (class {type.Name} : TorchTest), or mark it [TorchScope]"];

    static bool IsTorchScope(AttributeData attribute) => Catalog.TestCatalog.IsSdkAttribute(attribute, "TorchScopeAttribute");
}
