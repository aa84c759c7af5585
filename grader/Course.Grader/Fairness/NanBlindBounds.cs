using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Fairness;

/// <summary>
/// NUnit orders NaN below every number (it compares doubles with <c>double.CompareTo</c>), so an upper bound on a
/// floating-point value, <c>Assert.That(loss, Is.LessThan(0.9))</c>, passes when the value is NaN, and so do a negated
/// lower bound (<c>Is.Not.GreaterThan</c>) and "not equal" (NaN equals nothing). A model whose logits were all NaN passed the "loss below" checks of training
/// tests in hw1, hw3 and hw4 (red team 5, stop 52). <c>course validate</c> names each such bound that does not also say
/// <c>Is.Not.NaN</c>; a TA writes <c>Is.Not.NaN.And.LessThan(0.9)</c>, whose failure on NaN says so.
/// </summary>
public static class NanBlindBounds
{
    /// <summary>NUnit's constraints that a NaN meets: it is "less" than every number.</summary>
    static readonly HashSet<string> UpperBounds = new(StringComparer.Ordinal) { "LessThan", "LessThanOrEqualTo", "AtMost", "Negative" };

    /// <summary>The lower bounds: NaN fails each.</summary>
    static readonly HashSet<string> LowerBounds = new(StringComparer.Ordinal) { "GreaterThan", "GreaterThanOrEqualTo", "AtLeast", "Positive", "InRange" };

    /// <summary>What NaN meets once negated: a lower bound (<c>Is.Not.GreaterThan</c>), or "not equal" (<c>Is.Not.EqualTo(first)</c>).</summary>
    static readonly HashSet<string> Negatable = new(StringComparer.Ordinal) { "GreaterThan", "GreaterThanOrEqualTo", "AtLeast", "Positive", "EqualTo", "Zero" };

    /// <returns>One line per bound that NaN passes, saying how to mend it; empty when none.</returns>
    public static IReadOnlyList<string> Problems(IEnumerable<Compilation> suites)
    {
        var problems = new List<string>();
        foreach (var suite in suites)
        {
            foreach (var tree in suite.SyntaxTrees)
            {
                var model = suite.GetSemanticModel(tree);
                foreach (var call in tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    if (call.ArgumentList.Arguments.Count < 2
                        || model.GetSymbolInfo(call).Symbol is not IMethodSymbol { Name: "That", IsGenericMethod: true } that
                        || that.ContainingType.ToDisplayString() != "NUnit.Framework.Assert"
                        || !IsFloatingPoint(that.TypeArguments[0]))
                        continue;
                    var names = call.ArgumentList.Arguments[1].Expression.DescendantNodesAndSelf().OfType<SimpleNameSyntax>()
                        .Where(n => model.GetSymbolInfo(n).Symbol?.ContainingNamespace?.ToDisplayString() is "NUnit.Framework" or "NUnit.Framework.Constraints")
                        .Select(n => n.Identifier.Text).ToList();
                    var negated = names.Contains("Not");
                    // Is.Not.NaN says it; and a lower bound joined by And fails NaN for the whole constraint.
                    if (names.Contains("NaN") || !negated && !names.Contains("Or") && names.Any(LowerBounds.Contains)) continue;
                    if (names.FirstOrDefault(n => UpperBounds.Contains(n) || negated && Negatable.Contains(n)) is not { } bound) continue;
                    var line = call.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                    var member = call.Ancestors().OfType<MethodDeclarationSyntax>().FirstOrDefault()?.Identifier.Text ?? "a test";
                    problems.Add($"{suite.AssemblyName}: {tree.FilePath.Replace('\\', '/')}:{line}: {member} bounds a {that.TypeArguments[0]} with NUnit's {bound}, " +
                        $"which NaN passes (NUnit orders NaN below every number), so code that gives NaN passes it: say Is.Not.NaN.And.{(negated ? "Not." : "")}{bound}(...)");
                }
            }
        }
        return problems;
    }

    static bool IsFloatingPoint(ITypeSymbol type) => type switch
    {
        { SpecialType: SpecialType.System_Double or SpecialType.System_Single } => true,
        INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable => IsFloatingPoint(nullable.TypeArguments[0]),
        _ => type.ToDisplayString() == "System.Half",
    };
}
