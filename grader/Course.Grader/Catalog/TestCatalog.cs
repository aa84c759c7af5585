using System.Globalization;
using Course.Grader.Run;
using Microsoft.CodeAnalysis;

namespace Course.Grader.Catalog;

/// <summary>
/// The tests a suite holds, their points and their visibility, read by the grader itself from the trusted test
/// code with Roslyn. Scoring goes by this list, never by what the test process reports: a result for a test not on
/// it is ignored, and a listed test without a result fails.
/// </summary>
/// <remarks>
/// A case's name must be known without running anything, so only <c>[Test]</c> and <c>[TestCase]</c> with constant
/// arguments are supported; <c>[TestCaseSource]</c>, <c>[Theory]</c>, <c>[Values]</c> and the like make the list
/// unreadable (<see cref="CatalogException"/>), which <c>course validate</c> reports to the test's author.
/// Ignored and explicit tests are not graded, so they are not listed.
/// </remarks>
public static class TestCatalog
{
    const string NUnitNamespace = "NUnit.Framework";
    const string TestingNamespace = "Course.Testing";

    /// <summary>Whether <paramref name="attribute"/> is the test SDK's (Course.Testing) attribute class <paramref name="name"/>.</summary>
    internal static bool IsSdkAttribute(AttributeData attribute, string name) =>
        attribute.AttributeClass is { } type && type.Name == name && type.ContainingNamespace?.ToDisplayString() == TestingNamespace;

    static readonly string[] RunTimeCaseSources =
        ["TestCaseSourceAttribute", "TheoryAttribute", "TestFixtureSourceAttribute", "ValueSourceAttribute", "ValuesAttribute", "RangeAttribute", "RandomAttribute", "CombinatorialAttribute", "PairwiseAttribute", "SequentialAttribute"];

    /// <summary>Every test case of the compiled suite, ordered by full name.</summary>
    /// <exception cref="CatalogException">A test's cases cannot be listed without running it.</exception>
    public static IReadOnlyList<TestCaseSpec> Read(Compilation suite)
    {
        var tests = new List<TestCaseSpec>();
        var problems = new List<string>();
        var assemblyProperties = Properties(suite.Assembly.GetAttributes());
        foreach (var fixture in Types(suite.Assembly.GlobalNamespace).Where(IsFixtureCandidate))
        {
            var methods = TestMethods(fixture).ToList();
            if (methods.Count == 0 || IsNotRun(fixture.GetAttributes())) continue;
            if (fixture.IsGenericType || fixture.GetAttributes().Any(a => IsNUnit(a, "TestFixtureAttribute") && a.ConstructorArguments.Length > 0))
            {
                problems.Add($"{fixture.ToDisplayString()}: a generic or parameterised fixture's tests are named at run time");
                continue;
            }
            if (fixture.ContainingType is not null)
            {
                problems.Add($"{fixture.ToDisplayString()}: NUnit groups a nested fixture's tests under its outer class; declare the fixture at the top level");
                continue;
            }
            var fixtureProperties = FixtureProperties(fixture, assemblyProperties);
            var fixtureName = FullName(fixture);
            foreach (var method in methods)
                tests.AddRange(Cases(suite.AssemblyName!, fixtureName, method, Merge(Properties(method.GetAttributes()), fixtureProperties), problems));
        }
        if (problems.Count > 0) throw new CatalogException(problems);
        return tests.OrderBy(t => t.FullName, StringComparer.Ordinal).ToList();
    }

    static IEnumerable<TestCaseSpec> Cases(string suite, string fixtureName, IMethodSymbol method, Dictionary<string, IReadOnlyList<string>> properties, List<string> problems)
    {
        var attributes = method.GetAttributes();
        var where = $"{fixtureName}.{method.Name}";
        if (attributes.Any(a => IsNUnit(a, RunTimeCaseSources)) || method.Parameters.Any(p => p.GetAttributes().Any(a => IsNUnit(a, RunTimeCaseSources))))
        {
            problems.Add($"{where}: its cases come from a source NUnit reads at run time; use [TestCase] with constant arguments");
            yield break;
        }
        if (method.IsGenericMethod)
        {
            problems.Add($"{where}: a generic test method's cases are named at run time");
            yield break;
        }
        // NUnit names a test by its fixture, but gives as its class the one that declares the method (a base class, for an inherited test).
        var className = FullName(method.ContainingType);
        var cases = attributes.Where(a => IsNUnit(a, "TestCaseAttribute")).ToList();
        if (cases.Count == 0)
        {
            if (method.Parameters.Length > 0) problems.Add($"{where}: a [Test] with parameters and no [TestCase] cannot run");
            else yield return new TestCaseSpec($"{fixtureName}.{method.Name}", method.Name, className, suite, properties, null, 1);
            yield break;
        }
        var names = new List<string>();
        foreach (var testCase in cases)
        {
            var named = testCase.NamedArguments.ToDictionary(a => a.Key, a => a.Value);
            if (named.TryGetValue("Explicit", out var isExplicit) && isExplicit.Value is true) continue;
            if (named.ContainsKey("Ignore") || named.ContainsKey("IgnoreReason") || named.ContainsKey("Until")) continue;
            if (named.ContainsKey("IncludePlatform") || named.ContainsKey("ExcludePlatform"))
            {
                problems.Add($"{where}: a case that runs on some platforms only cannot be graded the same everywhere");
                continue;
            }
            string? name;
            if (named.TryGetValue("TestName", out var given) && given.Value is string fixedName)
            {
                name = fixedName.Contains('{') ? null : fixedName;
                if (name is null) problems.Add($"{where}: a TestName pattern ({fixedName}) is expanded at run time; give a plain name");
            }
            else
            {
                // [TestCase(a, b, c, d)] binds to TestCase(params object[]); [TestCase(null)] passes that array as null, which NUnit reads as one null argument.
                IReadOnlyList<TypedConstant?> arguments = testCase.ConstructorArguments is [{ Kind: TypedConstantKind.Array } array]
                    ? array.IsNull ? [null] : [.. array.Values.Select(v => (TypedConstant?)v)]
                    : [.. testCase.ConstructorArguments.Select(v => (TypedConstant?)v)];
                name = TestCaseNames.Of(method, arguments, out var problem);
                if (problem is not null) problems.Add($"{fixtureName}: {problem}");
            }
            if (name is not null) names.Add(name);
        }
        foreach (var name in names)
            yield return new TestCaseSpec($"{fixtureName}.{name}", name, className, suite, properties, $"{fixtureName}.{method.Name}", names.Count);
    }

    /// <summary>A class NUnit may build a fixture from: not abstract (a static class is one).</summary>
    static bool IsFixtureCandidate(INamedTypeSymbol type) =>
        type.TypeKind == TypeKind.Class && !type.IsAbstract || type is { TypeKind: TypeKind.Class, IsStatic: true };

    /// <summary>Test methods declared on the class or inherited from its base classes.</summary>
    static IEnumerable<IMethodSymbol> TestMethods(INamedTypeSymbol fixture)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var type = fixture; type is not null; type = type.BaseType)
        {
            foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
            {
                if (method.MethodKind != MethodKind.Ordinary || method.IsAbstract) continue;
                if (!method.GetAttributes().Any(a => IsNUnit(a, "TestAttribute", "TestCaseAttribute", "TestCaseSourceAttribute", "TheoryAttribute"))) continue;
                if (IsNotRun(method.GetAttributes()) || !seen.Add(method.Name)) continue;
                yield return method;
            }
        }
    }

    static bool IsNotRun(IEnumerable<AttributeData> attributes) => attributes.Any(a => IsNUnit(a, "IgnoreAttribute", "ExplicitAttribute"));

    /// <summary>The fixture's own properties, then its base classes', then the assembly's: the nearest value of a name wins.</summary>
    static Dictionary<string, IReadOnlyList<string>> FixtureProperties(INamedTypeSymbol fixture, Dictionary<string, IReadOnlyList<string>> assembly)
    {
        var merged = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        for (var type = fixture; type is not null; type = type.BaseType)
            merged = Merge(merged, Properties(type.GetAttributes()));
        return Merge(merged, assembly);
    }

    static Dictionary<string, IReadOnlyList<string>> Merge(Dictionary<string, IReadOnlyList<string>> nearer, Dictionary<string, IReadOnlyList<string>> farther)
    {
        var merged = new Dictionary<string, IReadOnlyList<string>>(nearer, StringComparer.Ordinal);
        foreach (var (key, value) in farther) merged.TryAdd(key, value);
        return merged;
    }

    /// <summary>The grading properties the SDK's attributes set, in the wire form the worker would report them.</summary>
    static Dictionary<string, IReadOnlyList<string>> Properties(IEnumerable<AttributeData> attributes)
    {
        var properties = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var attribute in attributes)
        {
            if (attribute.AttributeClass?.ContainingNamespace?.ToDisplayString() != TestingNamespace || attribute.ConstructorArguments is not [{ Value: { } value }]) continue;
            switch (attribute.AttributeClass.Name)
            {
                case "PointsAttribute":
                    properties[TestCaseSpec.PointsProperty] = [Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)];
                    break;
                case "VisibilityAttribute":
                    properties[TestCaseSpec.VisibilityProperty] = [VisibilityName(Convert.ToInt32(value, CultureInfo.InvariantCulture))];
                    break;
            }
        }
        return properties;
    }

    /// <summary>Course.Testing's Visibility enum (Visible, Hidden, AfterDueDate) by its wire name.</summary>
    static string VisibilityName(int value) => value switch
    {
        0 => "visible",
        1 => "hidden",
        2 => "after_due_date",
        _ => throw new CatalogException([$"unknown Visibility value {value}"]),
    };

    static bool IsNUnit(AttributeData attribute, params string[] names) =>
        attribute.AttributeClass is { } type && type.ContainingNamespace?.ToDisplayString() == NUnitNamespace && names.Contains(type.Name);

    /// <summary>Type.FullName of a top-level class, as NUnit names a fixture.</summary>
    static string FullName(INamedTypeSymbol type) =>
        type.ContainingNamespace is { IsGlobalNamespace: false } ns ? $"{ns.ToDisplayString()}.{type.MetadataName}" : type.MetadataName;

    static IEnumerable<INamedTypeSymbol> Types(INamespaceOrTypeSymbol container)
    {
        foreach (var member in container.GetMembers())
        {
            if (member is INamedTypeSymbol type) yield return type;
            if (member is INamespaceOrTypeSymbol nested)
                foreach (var inner in Types(nested)) yield return inner;
        }
    }
}
