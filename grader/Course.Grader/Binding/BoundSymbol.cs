using Course.Grader.Analyze;
using Microsoft.CodeAnalysis;

namespace Course.Grader.Binding;

/// <summary>
/// What one piece of test code refers to (a member, a type, an operator, a conversion), by its full signature and
/// the assembly that declares it, so that <c>NUnit.Framework.Assert</c> and a homework type of the same name differ.
/// </summary>
/// <param name="Key">Compared between two compilations of the same test code.</param>
/// <param name="Display">How a student reads it, e.g. <c>NUnit.Framework.Assert.That&lt;int&gt;(int, IResolveConstraint)</c>.</param>
/// <param name="InHomework">Declared by the homework (the student's code), not by a trusted library.</param>
/// <param name="Declaration">For a homework symbol, where the student declared it.</param>
public sealed record BoundSymbol(string Key, string Display, bool InHomework, SourcePlace? Declaration)
{
    /// <summary>The symbol's kind as its key begins (<c>Field</c>, <c>Property</c>, <c>Method</c>, ...).</summary>
    public string Kind => Key[..Key.IndexOf('|')];

    /// <summary>A field, which reading runs no code.</summary>
    public bool IsField => Kind == nameof(SymbolKind.Field);

    /// <summary>Full names and signatures, without nullable annotations: <c>Tensor?</c> and <c>Tensor</c> are one type at run time.</summary>
    static readonly SymbolDisplayFormat KeyFormat = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Included,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        memberOptions: SymbolDisplayMemberOptions.IncludeContainingType | SymbolDisplayMemberOptions.IncludeParameters
                       | SymbolDisplayMemberOptions.IncludeType | SymbolDisplayMemberOptions.IncludeRef | SymbolDisplayMemberOptions.IncludeExplicitInterface,
        kindOptions: SymbolDisplayKindOptions.IncludeMemberKeyword | SymbolDisplayKindOptions.IncludeTypeKeyword | SymbolDisplayKindOptions.IncludeNamespaceKeyword,
        parameterOptions: SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeParamsRefOut | SymbolDisplayParameterOptions.IncludeExtensionThis,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    /// <summary>Null for no symbol or one the compiler could not resolve (an error the compile stage isolates).</summary>
    /// <param name="declarationOf">Where a homework symbol is declared in the student's files, when known.</param>
    public static BoundSymbol? Of(ISymbol? symbol, IAssemblySymbol homework, Func<ISymbol, SourcePlace?>? declarationOf = null)
    {
        if (symbol is null || symbol is IErrorTypeSymbol || symbol.Kind == SymbolKind.ErrorType) return null;
        // An extension method reads as the static method it is: Enumerable.Sum(IEnumerable<int>), not IEnumerable<int>.Sum().
        if (symbol is IMethodSymbol { ReducedFrom: not null } reduced) symbol = reduced.GetConstructedReducedFrom() ?? symbol;
        // Only a homework's generic members, inferred in the tests, can build a type this large (the starter's never do), so it
        // is the homework's, and its key differs from whatever the starter bound there; it is not written out (TypeSize).
        if (TypeSize.Exceeds(symbol))
            return new BoundSymbol($"{symbol.Kind}|too large|{TypeSize.Shown(symbol)}", TypeSize.Shown(symbol), true, declarationOf?.Invoke(symbol.OriginalDefinition));
        if (symbol is ITypeSymbol type && ContainsError(type)) return null;
        var assembly = symbol is INamespaceSymbol ? "" : symbol.ContainingAssembly?.Identity.Name ?? "";
        var inHomework = DeclaredIn(symbol, homework);
        var key = $"{symbol.Kind}|{assembly}|{symbol.ToDisplayString(KeyFormat)}";
        var declaration = inHomework ? declarationOf?.Invoke(symbol) : null;
        return new BoundSymbol(key, symbol.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat), inHomework, declaration);
    }

    /// <summary>The symbol, or any type it is built from (a type argument, an array's element), belongs to the homework.</summary>
    static bool DeclaredIn(ISymbol symbol, IAssemblySymbol homework) => symbol switch
    {
        INamespaceSymbol ns => ns.ConstituentNamespaces.Any(c => SymbolEqualityComparer.Default.Equals(c.ContainingAssembly, homework)),
        IArrayTypeSymbol array => DeclaredIn(array.ElementType, homework),
        INamedTypeSymbol { IsGenericType: true } generic when generic.TypeArguments.Any(a => DeclaredIn(a, homework)) => true,
        IMethodSymbol { IsGenericMethod: true } method when method.TypeArguments.Any(a => DeclaredIn(a, homework)) => true,
        _ => SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, homework),
    };

    static bool ContainsError(ITypeSymbol type) => type switch
    {
        IErrorTypeSymbol => true,
        IArrayTypeSymbol array => ContainsError(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsError),
        _ => false,
    };
}

/// <summary>A file and 1-based line of the student's code.</summary>
public sealed record SourcePlace(string File, int Line)
{
    public override string ToString() => $"{File}:{Line}";
}
