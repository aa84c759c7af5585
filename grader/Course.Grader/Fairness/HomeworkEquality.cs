using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Course.Grader.Fairness;

/// <summary>
/// Test code never compares values through the equality of a record or struct that a student's file declares. The
/// compiler writes that equality from the type's fields, and the student chooses the fields: a red team (stop 61, a01) kept
/// hw6's <c>MinimalPair</c> in the payloads of NaN doubles, which <c>double.Equals</c> calls equal whatever they hold, behind
/// properties that decoded them, so every pair equalled every other and a stub passed a test of <c>Is.EqualTo(new[] { new
/// MinimalPair(...) })</c>, while the reference with that record kept every point. The analysis cannot tell such fields from
/// honest ones (many homework records hold doubles), so the tests compare what they read: a projection into values the test
/// trusts (<c>pairs.Select(p => (p.Clean, p.Corrupted, p.PluralClean))</c>). <c>course validate</c> names each comparison of
/// such a type in test code: NUnit's equality constraints (<c>Is.EqualTo</c>, <c>Is.EquivalentTo</c>, <c>Does.Contain</c>,
/// <c>Has.Member</c>, <c>Is.SubsetOf</c>, <c>Is.SupersetOf</c>, <c>Is.AnyOf</c>, <c>Is.Unique</c>), <c>==</c> and <c>!=</c>,
/// <c>Equals</c>, and LINQ's and the collections' default equality (<c>Contains</c>, <c>Distinct</c>, <c>SequenceEqual</c>,
/// a set or a dictionary keyed by one).
/// </summary>
public static class HomeworkEquality
{
    /// <summary>NUnit's constraints that compare with the values' own equality, by method or property name.</summary>
    static readonly HashSet<string> NUnitEquality = new(StringComparer.Ordinal)
    {
        "EqualTo", "EquivalentTo", "Contain", "Contains", "Member", "SubsetOf", "SupersetOf", "AnyOf", "Item", "Unique",
        "AreEqual", "AreNotEqual", "AreEquivalent", "AreNotEquivalent", "IsSubsetOf", "IsSupersetOf", "AllItemsAreUnique", "DoesNotContain",
    };

    /// <summary>LINQ's and the collections' methods that compare elements with their default equality.</summary>
    static readonly HashSet<string> DefaultEquality = new(StringComparer.Ordinal)
        { "Contains", "Distinct", "SequenceEqual", "Except", "Intersect", "Union", "GroupBy", "ToHashSet", "ToDictionary", "ToLookup", "IndexOf", "Remove", "CountBy" };

    /// <returns>One line per comparison, saying how to mend it; empty when there is none.</returns>
    /// <param name="studentFiles">The homework project's files a submission replaces, relative to the project.</param>
    public static IReadOnlyList<string> Problems(Compilation homework, IEnumerable<Compilation> suites, IReadOnlyCollection<string> studentFiles)
    {
        var studentTypes = StudentValueTypes(homework, studentFiles);
        if (studentTypes.Count == 0) return [];
        var problems = new List<string>();
        foreach (var suite in suites)
        {
            INamedTypeSymbol? StudentType(ITypeSymbol? type) => type is null ? null : Involved(type, homework.AssemblyName, studentTypes);
            foreach (var tree in suite.SyntaxTrees)
            {
                var model = suite.GetSemanticModel(tree);
                foreach (var node in tree.GetRoot().DescendantNodes())
                {
                    if (Compared(node, model, StudentType) is not var (type, how)) continue;
                    var line = node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                    var member = node.Ancestors().OfType<MethodDeclarationSyntax>().FirstOrDefault()?.Identifier.Text ?? "a test";
                    problems.Add($"{suite.AssemblyName}: {tree.FilePath.Replace('\\', '/')}:{line}: {member} compares {type.Name} values with {how}: the " +
                        $"student's file declares {type.Name}, so its equality compares the fields the student chose (a field that holds anything and " +
                        "calls itself equal, such as a NaN double), not what the test reads; compare a projection the test builds, such as a tuple of its properties");
                }
            }
        }
        return problems;
    }

    /// <summary>What <paramref name="node"/> compares by a student type's equality, and how; null when it compares nothing of the kind.</summary>
    static (INamedTypeSymbol Type, string How)? Compared(SyntaxNode node, SemanticModel model, Func<ITypeSymbol?, INamedTypeSymbol?> studentType)
    {
        switch (node)
        {
            case InvocationExpressionSyntax call when model.GetSymbolInfo(call).Symbol is IMethodSymbol method:
                if (IsNUnit(method) && NUnitEquality.Contains(method.Name))
                    foreach (var argument in call.ArgumentList.Arguments)
                        if (studentType(model.GetTypeInfo(argument.Expression).Type) is { } compared)
                            return (compared, $"NUnit's {method.Name}");
                if (method.Name == nameof(Equals))
                {
                    var receiver = call.Expression is MemberAccessExpressionSyntax access ? model.GetTypeInfo(access.Expression).Type : null;
                    if (call.ArgumentList.Arguments.Select(a => model.GetTypeInfo(a.Expression).Type).Prepend(receiver).Select(studentType).FirstOrDefault(t => t is not null) is { } equal)
                        return (equal, "Equals");
                }
                if (!IsNUnit(method) && DefaultEquality.Contains(method.Name) && method.ContainingNamespace?.ToDisplayString() is { } ns && ns.StartsWith("System", StringComparison.Ordinal))
                {
                    var receiver = call.Expression is MemberAccessExpressionSyntax access ? model.GetTypeInfo(access.Expression).Type : null;
                    var types = method.TypeArguments.Concat(method.Parameters.Select(p => p.Type)).Append(receiver ?? method.ContainingType)
                        .Concat(call.ArgumentList.Arguments.Select(a => model.GetTypeInfo(a.Expression).Type));
                    if (method.Parameters.Any(p => IsEqualityComparer(p.Type)) && call.ArgumentList.Arguments.Count == method.Parameters.Length)
                        return null; // a comparer the test gives decides
                    if (types.Select(studentType).FirstOrDefault(t => t is not null) is { } compared)
                        return (compared, $"{method.ContainingType.Name}.{method.Name}");
                }
                return null;
            case MemberAccessExpressionSyntax { Name.Identifier.Text: "Unique" } unique
                when model.GetSymbolInfo(unique).Symbol is IPropertySymbol property && IsNUnit(property)
                    && unique.Ancestors().OfType<InvocationExpressionSyntax>().FirstOrDefault(c => c.ArgumentList.Arguments.Count >= 2) is { } that
                    && studentType(model.GetTypeInfo(that.ArgumentList.Arguments[0].Expression).Type) is { } compared:
                return (compared, "NUnit's Unique");
            case BinaryExpressionSyntax binary when model.GetOperation(binary) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } operation
                && (studentType(operation.LeftOperand.Type) ?? studentType(operation.RightOperand.Type)) is { } compared
                && (operation.OperatorMethod is not null || compared.IsValueType):
                return (compared, binary.OperatorToken.Text);
            case ObjectCreationExpressionSyntax creation when model.GetTypeInfo(creation).Type is INamedTypeSymbol { TypeArguments.Length: > 0 } made
                && made.Name is "HashSet" or "Dictionary" or "SortedSet" or "SortedDictionary" or "ConcurrentDictionary"
                && studentType(made.TypeArguments[0]) is { } compared
                && !(creation.ArgumentList?.Arguments.Any(a => IsEqualityComparer(model.GetTypeInfo(a.Expression).Type)) ?? false):
                return (compared, $"a {made.Name} keyed by it");
            default:
                return null;
        }
    }

    /// <summary>An <c>IEqualityComparer&lt;T&gt;</c>, or a type that is one: given by the test, it decides equality.</summary>
    static bool IsEqualityComparer(ITypeSymbol? type) =>
        type is not null && (type.Name == "IEqualityComparer" || type.AllInterfaces.Any(i => i.Name == "IEqualityComparer"));

    static bool IsNUnit(ISymbol symbol) => symbol.ContainingNamespace?.ToDisplayString() is "NUnit.Framework" or "NUnit.Framework.Constraints" or "NUnit.Framework.Legacy";

    /// <summary>The homework's records and structs that a student's file declares (in part): their equality is the student's fields'.</summary>
    static HashSet<string> StudentValueTypes(Compilation homework, IReadOnlyCollection<string> studentFiles)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        static bool Is(string path, string file) => path == file || path.EndsWith("/" + file, StringComparison.Ordinal);
        foreach (var tree in homework.SyntaxTrees.Where(t => studentFiles.Any(f => Is(t.FilePath.Replace('\\', '/'), f.Replace('\\', '/')))))
        {
            var model = homework.GetSemanticModel(tree);
            foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>())
                if (model.GetDeclaredSymbol(declaration) is INamedTypeSymbol type && (type.IsRecord || type.TypeKind == TypeKind.Struct))
                    names.Add(MetadataName(type));
        }
        return names;
    }

    /// <summary>The student value type that <paramref name="type"/> is or holds (an element, a type argument, a tuple's part); null if none.</summary>
    static INamedTypeSymbol? Involved(ITypeSymbol type, string? homework, HashSet<string> studentTypes, int depth = 0)
    {
        if (depth > 8) return null;
        switch (type)
        {
            case IArrayTypeSymbol array:
                return Involved(array.ElementType, homework, studentTypes, depth + 1);
            case INamedTypeSymbol named:
                if (named.ContainingAssembly?.Name == homework && studentTypes.Contains(MetadataName(named.OriginalDefinition))) return named;
                foreach (var argument in named.TypeArguments)
                    if (Involved(argument, homework, studentTypes, depth + 1) is { } inner) return inner;
                return null;
            default:
                return null;
        }
    }

    static string MetadataName(INamedTypeSymbol type) =>
        type.ContainingType is { } outer ? $"{MetadataName(outer)}+{type.MetadataName}" : $"{type.ContainingNamespace.ToDisplayString()}.{type.MetadataName}";
}
