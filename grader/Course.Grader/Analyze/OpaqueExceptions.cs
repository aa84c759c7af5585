using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Analyze;

/// <summary>
/// Homework code may construct, throw and catch exceptions and read their <c>Message</c>, <c>InnerException</c> and
/// <c>ParamName</c>; nothing else of them. An exception a test caught carries the test's frames: homework code that kept
/// one and read its <c>StackTrace</c> later learned which hidden test had called it, and where (a red team, stop 52). The
/// trace also comes out of an exception formatted as text, so the rule is by what an exception can be turned into, not by
/// which member returns the trace: the allow-list lists only those members of exception types (<see cref="MemberAllowed"/>),
/// and this refuses an exception value converted to a type that is not an exception (<c>object</c>, an interface), put in
/// an interpolated string, or made the type argument of a generic (<c>List&lt;Exception&gt;</c>, <c>string.Join</c> of
/// them), where code outside the rule would format it.
/// </summary>
public static class OpaqueExceptions
{
    public const string Message =
        "Homework code may construct, throw and catch exceptions and read their Message, InnerException and ParamName, nothing else: " +
        "not their stack trace, nor the exception as text or as an object (an exception a test caught names the test). Use e.Message.";

    /// <summary>Whether homework code may use <paramref name="definition"/>, a member of a BCL exception type (see <see cref="AllowList"/>).</summary>
    public static bool MemberAllowed(ISymbol definition) => definition switch
    {
        INamedTypeSymbol => true,
        IMethodSymbol { MethodKind: MethodKind.Constructor } => true,
        // ArgumentNullException.ThrowIfNull and the like: they throw, and hand back nothing of an exception.
        { IsStatic: true } => true,
        IPropertySymbol { Name: "Message" or "InnerException" or "ParamName" } => true,
        _ => false,
    };

    /// <summary>
    /// Whether the code at one node lets an exception out as something else, read from what the node uses (see
    /// <see cref="SymbolUses"/>, which the analyze stage reads anyway): the type it became, or null.
    /// </summary>
    /// <param name="symbolAt">The symbol another node uses (an argument's call), or null.</param>
    public static string? LetOut(SyntaxNode node, IEnumerable<SymbolUse> uses, Func<SyntaxNode, ISymbol?> symbolAt)
    {
        ITypeSymbol? type = null, converted = null;
        ISymbol? symbol = null;
        foreach (var use in uses)
        {
            switch (use.Aspect)
            {
                case UseAspect.Type: type = use.Symbol as ITypeSymbol; break;
                case UseAspect.ConvertedType: converted = use.Symbol as ITypeSymbol; break;
                case UseAspect.Symbol: symbol = use.Symbol; break;
            }
        }
        if (Carries(type) && node.Parent is InterpolationSyntax) return "text in an interpolated string";
        if (Carries(type) && converted is { TypeKind: not TypeKind.Error } && !Carries(converted)
            && !(node.Parent is ArgumentSyntax { Parent.Parent: InvocationExpressionSyntax call }
                 && symbolAt(call) is IMethodSymbol { IsStatic: true, ContainingType: { } helper } && IsException(helper)))
            return converted.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);
        return symbol switch
        {
            IMethodSymbol { IsGenericMethod: true } method when method.TypeArguments.FirstOrDefault(Carries) is { } argument =>
                $"the type argument of {method.Name}<{argument.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)}>",
            INamedTypeSymbol { IsGenericType: true } generic when generic.TypeArguments.FirstOrDefault(Carries) is { } argument =>
                $"the type argument of {generic.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)} ({argument.Name})",
            _ => null,
        };
    }

    /// <summary>An exception type, or an array or generic of one.</summary>
    static bool Carries(ITypeSymbol? type) => type switch
    {
        null => false,
        IArrayTypeSymbol array => Carries(array.ElementType),
        INamedTypeSymbol named when IsException(named) => true,
        INamedTypeSymbol { IsGenericType: true } generic => generic.TypeArguments.Any(Carries),
        _ => false,
    };

    /// <summary>System.Exception or a type derived from it.</summary>
    internal static bool IsException(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.BaseType)
            if (t is { Name: "Exception", ContainingNamespace.Name: "System", ContainingNamespace.ContainingNamespace.IsGlobalNamespace: true }) return true;
        return false;
    }
}
