using Course.Grader.Analyze;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Fairness;

/// <summary>
/// Test code keeps nothing across tests that homework code could change. A static lives for the whole run, and NUnit runs a
/// fixture's tests on one instance, so a value held there and given to homework code in one test is what the next test gets:
/// a red team (stop 56) kept a hidden replay's inputs and expected values in a private field of its own <c>Config</c>, which
/// hw4's fixtures held in static fields, and printed them in a later test; an array a test hands over can be written
/// through (<c>sizes is long[] a</c>) and read back by the test that checks against it. So a static field or auto-property
/// of test code, and a field of a fixture set where it is declared (once for all its tests), must be a const, or readonly
/// with a value that cannot change: a number, a string, an enum, a tuple of such, or a record or struct of the test code
/// itself all of whose fields are such. Never a homework type (the student writes it), an array, a collection or a library's
/// object: a property that makes the value (<c>static Config Small => new(...)</c>) gives each use its own. A field shared on
/// purpose, which no test hands to homework code, says so and why with the SDK's <c>[SharedAcrossTests("...")]</c>.
/// <c>course validate</c> reports each (see <see cref="Pipeline.ValidatePipeline"/>).
/// </summary>
public static class TestHeldState
{
    /// <returns>One line per field that keeps state across tests, saying how to mend it; empty when there is none.</returns>
    public static IReadOnlyList<string> Problems(IEnumerable<Compilation> suites)
    {
        var problems = new List<string>();
        foreach (var suite in suites)
        {
            // Only what this test code declares in its own source can be read field by field; a reference's private fields are not seen.
            bool Readable(INamedTypeSymbol type) => SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, suite.Assembly) && type.DeclaringSyntaxReferences.Length > 0;
            var fixtureFields = TestFixtures.WithFixtureFields(suite);
            foreach (var tree in suite.SyntaxTrees)
            {
                var model = suite.GetSemanticModel(tree);
                foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>())
                {
                    if (model.GetDeclaredSymbol(declaration) is not INamedTypeSymbol type) continue;
                    var fixture = fixtureFields.Contains(type);
                    foreach (var field in type.GetMembers().OfType<IFieldSymbol>())
                    {
                        var held = field.AssociatedSymbol ?? field;
                        if (field.IsConst || (field.IsReadOnly && StaticState.Immutable(field.Type, Readable, [])) || !(field.IsStatic || (fixture && SetWhereDeclared(held)))
                            || SharedOnPurpose(held))
                            continue;
                        if (held.DeclaringSyntaxReferences.FirstOrDefault(r => r.SyntaxTree == tree && declaration.Span.Contains(r.Span)) is not { } at) continue;
                        var line = at.GetSyntax().GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                        var kind = field.IsStatic ? "static" : "set once for all the fixture's tests";
                        problems.Add($"{suite.AssemblyName}: {tree.FilePath.Replace('\\', '/')}:{line}: {type.Name}.{held.Name} keeps a {field.Type.ToDisplayString()} across tests ({kind}); " +
                            "homework code given it, or given a value of a homework type, could keep state in it from one test to the next. Make it a property " +
                            $"that makes the value for each use ({(field.IsStatic ? "static " : "")}{field.Type.ToDisplayString()} {held.Name} => ...), or a local of each test");
                    }
                }
            }
        }
        return problems;
    }

    /// <summary>Marked <c>[SharedAcrossTests("why")]</c> by the SDK, with a reason.</summary>
    static bool SharedOnPurpose(ISymbol held) =>
        held.GetAttributes().Any(a => Catalog.TestCatalog.IsSdkAttribute(a, "SharedAcrossTestsAttribute")
            && a.ConstructorArguments is [{ Value: string { Length: > 0 } reason }] && !string.IsNullOrWhiteSpace(reason));

    /// <summary>An instance field or auto-property with an initializer: NUnit makes one fixture instance for all its tests (a base type's fields included).</summary>
    static bool SetWhereDeclared(ISymbol held) =>
        held.DeclaringSyntaxReferences.Any(r => r.GetSyntax() switch
        {
            VariableDeclaratorSyntax { Initializer: not null } => true,
            PropertyDeclarationSyntax { Initializer: not null } => true,
            _ => false,
        });
}
