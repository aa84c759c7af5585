using Microsoft.CodeAnalysis;

namespace Course.Grader.Analyze;

/// <summary>
/// How many types a symbol's signature is built from, counted as written out: a type argument that appears twice counts
/// twice. Generic inference can build a type exponentially larger than the code that makes it. With
/// <c>Func&lt;T, …, T&gt; F&lt;T&gt;(T t)</c> (17 <c>T</c>s), <c>F(F(F(F(0))))</c> has a type of 17⁴ parts. Whatever reads
/// such a type part by part takes as long: its name in a message, the allow-list's check of its type arguments, the
/// metadata that names it. So the analyze stage refuses a use of such a type before reading it any further, and counts
/// at most <see cref="Max"/> + 1 parts to decide.
/// </summary>
public static class TypeSize
{
    /// <summary>
    /// Far above what homework code needs: <c>Dictionary&lt;(int Layer, int Head), List&lt;(string, Tensor)&gt;&gt;</c> has 8
    /// parts, and the largest public TorchSharp signature 39 (<c>CyclicLR</c>'s constructor; a test keeps every one under a quarter of the limit).
    /// </summary>
    public const int Max = 256;

    /// <summary>What is wrong with such a type, for messages: "built from more than 256 types (...)".</summary>
    public const string TooLarge = "built from more than 256 types (generic calls nested in each other multiply their type arguments)";

    public const string Message = $"This type is {TooLarge}, too large to check; give the values a smaller type.";

    /// <summary>
    /// The symbol by its names alone, without the type arguments, tuple elements and parameters that can make it large:
    /// <c>System.Func&lt;...&gt;</c>, <c>Bomb.F&lt;...&gt;</c>, <c>(...)</c>.
    /// </summary>
    public static string Shown(ISymbol symbol) => symbol switch
    {
        INamedTypeSymbol { IsTupleType: true } => "(...)",
        INamedTypeSymbol type => (type.ContainingType is { } outer ? Shown(outer) + "."
                                     : type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "."
                                     : "") + type.Name + (type.IsGenericType ? "<...>" : ""),
        IArrayTypeSymbol array => Shown(array.ElementType) + "[]",
        IPointerTypeSymbol pointer => Shown(pointer.PointedAtType) + "*",
        _ when symbol.ContainingType is { } owner && symbol is not (ILocalSymbol or IParameterSymbol) =>
            $"{Shown(owner)}.{symbol.Name}{(symbol is IMethodSymbol { IsGenericMethod: true } ? "<...>" : "")}",
        _ => symbol.Name,
    };

    /// <summary>Whether <paramref name="symbol"/>'s signature (its type, type arguments, parameters and containing type) has more than <see cref="Max"/> parts.</summary>
    public static bool Exceeds(ISymbol symbol) => Exceeds(symbol, Max);

    /// <summary>Whether <paramref name="symbol"/>'s signature has more than <paramref name="limit"/> parts; reads at most <paramref name="limit"/> + 1 of them.</summary>
    public static bool Exceeds(ISymbol symbol, int limit)
    {
        var budget = limit;
        return !Fits(symbol, ref budget);
    }

    static bool Fits(ISymbol symbol, ref int budget) => symbol switch
    {
        ITypeSymbol type => FitsType(type, ref budget),
        IMethodSymbol method => Owner(method, ref budget) && FitsType(method.ReturnType, ref budget)
                                && All(method.TypeArguments, ref budget) && All(method.Parameters.Select(p => p.Type), ref budget),
        IPropertySymbol property => Owner(property, ref budget) && FitsType(property.Type, ref budget)
                                    && All(property.Parameters.Select(p => p.Type), ref budget),
        IFieldSymbol field => Owner(field, ref budget) && FitsType(field.Type, ref budget),
        IEventSymbol @event => Owner(@event, ref budget) && FitsType(@event.Type, ref budget),
        ILocalSymbol local => FitsType(local.Type, ref budget),
        IParameterSymbol parameter => FitsType(parameter.Type, ref budget),
        _ => true,
    };

    /// <summary>The type a member or nested type is declared in counts as part of it: <c>Dictionary&lt;K, V&gt;.Enumerator</c>.</summary>
    static bool Owner(ISymbol member, ref int budget) => member.ContainingType is not { } owner || FitsType(owner, ref budget);

    static bool All(IEnumerable<ITypeSymbol> types, ref int budget)
    {
        foreach (var type in types)
            if (!FitsType(type, ref budget)) return false;
        return true;
    }

    static bool FitsType(ITypeSymbol type, ref int budget) =>
        --budget >= 0 && type switch
        {
            IArrayTypeSymbol array => FitsType(array.ElementType, ref budget),
            IPointerTypeSymbol pointer => FitsType(pointer.PointedAtType, ref budget),
            IFunctionPointerTypeSymbol pointer => Fits(pointer.Signature, ref budget),
            INamedTypeSymbol named => Owner(named, ref budget) && All(named.TypeArguments, ref budget),
            _ => true,
        };
}
