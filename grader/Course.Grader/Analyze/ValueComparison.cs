using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Analyze;

/// <summary>
/// Homework code may not write how its values compare. A test's assertion (<c>Is.EqualTo</c>, <c>Is.GreaterThan</c>,
/// <c>Is.Ordered</c>, <c>Does.Contain</c>, <c>ClassicAssert.AreEqual</c>) compares through the methods the values' run-time
/// types bring: an override of <c>Equals</c> or <c>GetHashCode</c>, <c>IEquatable&lt;T&gt;</c>, <c>IComparable</c>,
/// <c>IComparable&lt;T&gt;</c>, the structural interfaces. A result typed as an interface or an unsealed class
/// (<c>IReadOnlyList&lt;T&gt;</c>, <c>List&lt;T&gt;</c>, <c>object</c>), or a record the student's file declares, could be an
/// object that calls itself equal to whatever it is compared with, and pass a test without computing anything. The binding
/// check cannot see that (the test's code binds to the same assertion either way), so no homework method may be one the
/// runtime calls to compare: the values' own contents decide. Records, tuples and structs compare by value with members the
/// compiler writes, which stay allowed.
/// </summary>
public static class ValueComparison
{
    public const string Message =
        "Homework types may not define their own equality or ordering (Equals, GetHashCode, IEquatable<T>, IComparable): " +
        "the tests compare what values hold. Records, tuples and structs compare by value already; order with OrderBy or Comparer<T>.Create.";

    /// <summary>The interfaces .NET and NUnit compare two values through, by namespace and metadata name.</summary>
    static readonly string[] Contracts =
        ["System.IEquatable`1", "System.IComparable", "System.IComparable`1", "System.Collections.IStructuralEquatable", "System.Collections.IStructuralComparable"];

    /// <summary>
    /// What <paramref name="node"/> writes that would compare values, with the member it overrides or implements: at a
    /// method, an override of <c>object.Equals</c> or <c>object.GetHashCode</c>, or of a library method that implements a
    /// comparison interface; at a type's first declaration, each method written in the homework that implements a member of
    /// a comparison interface for that type (explicitly, implicitly, or inherited from a homework base type or interface),
    /// placed at that method when it is in <paramref name="model"/>'s file. Members the compiler writes (a record's
    /// equality) are not the student's and do not count. The analyze stage calls this on every node of every file.
    /// </summary>
    public static IEnumerable<(SyntaxNode At, ISymbol Compares)> WrittenAt(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken = default)
    {
        if (node is BaseMethodDeclarationSyntax method && model.GetDeclaredSymbol(method, cancellationToken) is IMethodSymbol symbol)
        {
            if (ObjectMemberOverriddenBy(symbol) is { } overridden) yield return (method, overridden);
            foreach (var implemented in ContractMembersOverriddenBy(symbol)) yield return (method, implemented);
        }
        // A type is looked at once, at its first declaration, however many partial declarations it has.
        if (node is TypeDeclarationSyntax type && model.GetDeclaredSymbol(type, cancellationToken) is INamedTypeSymbol declared
            && declared.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) == type)
        {
            foreach (var member in declared.AllInterfaces.Where(IsContract).SelectMany(i => i.GetMembers()))
            {
                if (declared.FindImplementationForInterfaceMember(member) is not IMethodSymbol implementation || implementation.IsImplicitlyDeclared
                    || !SymbolEqualityComparer.Default.Equals(implementation.ContainingAssembly, model.Compilation.Assembly))
                    continue;
                var written = implementation.DeclaringSyntaxReferences.FirstOrDefault(r => r.SyntaxTree == model.SyntaxTree)?.GetSyntax(cancellationToken);
                yield return (written ?? type, member);
            }
        }
    }

    static bool IsContract(INamedTypeSymbol type) =>
        Contracts.Contains($"{type.ContainingNamespace.ToDisplayString()}.{type.OriginalDefinition.MetadataName}", StringComparer.Ordinal);

    /// <summary>
    /// The library methods <paramref name="method"/> overrides, nearest first, up to <c>object</c>'s; none when the method it
    /// overrides is the homework's own, which is checked where it is written (so a chain of homework overrides is read once,
    /// not once per link).
    /// </summary>
    static IEnumerable<IMethodSymbol> LibraryMethodsOverriddenBy(IMethodSymbol method)
    {
        for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
        {
            if (SymbolEqualityComparer.Default.Equals(overridden.ContainingAssembly, method.ContainingAssembly)) yield break;
            yield return overridden;
        }
    }

    /// <summary>
    /// The comparison members a method overrides a library's implementation of: a library type's <c>public virtual bool
    /// Equals(T)</c> that implements <c>IEquatable&lt;T&gt;</c> runs the homework's override when called.
    /// </summary>
    static IEnumerable<ISymbol> ContractMembersOverriddenBy(IMethodSymbol method) =>
        from overridden in LibraryMethodsOverriddenBy(method)
        from member in overridden.ContainingType.AllInterfaces.Where(IsContract).SelectMany(i => i.GetMembers())
        where SymbolEqualityComparer.Default.Equals(overridden.ContainingType.FindImplementationForInterfaceMember(member), overridden)
        select member;

    /// <summary><c>object.Equals(object)</c> or <c>object.GetHashCode()</c> when <paramref name="method"/> overrides it through library methods only.</summary>
    static IMethodSymbol? ObjectMemberOverriddenBy(IMethodSymbol method) =>
        LibraryMethodsOverriddenBy(method).LastOrDefault() is { ContainingType.SpecialType: SpecialType.System_Object, Name: nameof(Equals) or nameof(GetHashCode) } root
            ? root
            : null;
}
