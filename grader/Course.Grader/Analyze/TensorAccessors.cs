using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Analyze;

/// <summary>
/// Homework code reads a tensor's values as a copy, <c>t.data&lt;T&gt;().ToArray()</c> (or <c>ToNDArray()</c>), and nothing
/// else of TorchSharp's <c>TensorAccessor</c>. The accessor reads the tensor's data pointer once, when it is made, and bounds
/// each later index by the tensor's size at that later time. A view whose storage was swapped for a larger one
/// (<c>set_</c>, or an in-place factory such as <c>zeros(sizes)</c>) left an accessor taken before it a window onto the
/// worker's native heap past the old storage, where the tests' expected tensors lie, to read and to write (a red team, stop
/// 54). Copied in the expression that made it, the pointer is used before any other code runs. So no code may involve an
/// accessor (a value, a type, a member, a delegate or a generic made with one) but the nodes of that one expression: not
/// kept in a variable, indexed (an index is code that runs after the pointer is read), enumerated, passed on, returned,
/// or made later through <c>data&lt;T&gt;</c> as a delegate, which a generic method could call seeing the accessor only as
/// its type parameter. The rule is by type, so a new way to make an accessor is held to it too.
/// </summary>
public static class TensorAccessors
{
    public const string Message =
        "Homework code reads a tensor's values as a copy: t.data<float>().ToArray(), or t.item<float>() for one value. A TensorAccessor " +
        "kept, indexed, enumerated or passed on reads native memory through a pointer taken when it was made, which later changes to the tensor can leave pointing elsewhere.";

    /// <summary>
    /// What the code at <paramref name="node"/> uses that involves an accessor, read from what the node uses (see
    /// <see cref="SymbolUses"/>, which the analyze stage reads anyway): a type before a member, or null when nothing does or
    /// the node is part of <c>t.data&lt;T&gt;().ToArray()</c>.
    /// </summary>
    /// <param name="symbolAt">The symbol another node uses (the call of <c>data&lt;T&gt;()</c>), or null.</param>
    public static ISymbol? Kept(SyntaxNode node, IEnumerable<SymbolUse> uses, Func<SyntaxNode, ISymbol?> symbolAt)
    {
        var involving = uses.Where(u => Involves(u.Symbol)).OrderBy(u => u.Aspect is UseAspect.Type or UseAspect.ConvertedType ? 0 : 1).Select(u => u.Symbol).FirstOrDefault();
        return involving is null || InCopy(node, symbolAt) ? null : involving;
    }

    /// <summary>Whether the node is one of those of <c>t.data&lt;T&gt;().ToArray()</c> or <c>.ToNDArray()</c>: the call makes the accessor, and the copy is the next thing that runs.</summary>
    static bool InCopy(SyntaxNode node, Func<SyntaxNode, ISymbol?> symbolAt)
    {
        // The call of data<T>() seen from each node of the expression: the name data<T>, t.data<T>, the call, the name
        // ToArray, (...).ToArray and the copy's call.
        SyntaxNode?[] calls = [node, node.Parent, node.Parent?.Parent, (node as MemberAccessExpressionSyntax)?.Expression,
            (node.Parent as MemberAccessExpressionSyntax)?.Expression, ((node as InvocationExpressionSyntax)?.Expression as MemberAccessExpressionSyntax)?.Expression];
        return calls.OfType<InvocationExpressionSyntax>().Any(call => Copied(call, symbolAt) is { } nodes && nodes.Contains(node));
    }

    /// <summary>The nodes of <c>t.data&lt;T&gt;().ToArray()</c> when <paramref name="call"/> is its call of TorchSharp's <c>data&lt;T&gt;()</c>; otherwise null.</summary>
    static SyntaxNode[]? Copied(InvocationExpressionSyntax call, Func<SyntaxNode, ISymbol?> symbolAt) =>
        call is { ArgumentList.Arguments.Count: 0, Expression: MemberAccessExpressionSyntax { Name: GenericNameSyntax { Identifier.ValueText: "data" } name } access }
        && symbolAt(call) is IMethodSymbol { Name: "data", ContainingType: { Name: "Tensor", ContainingType.Name: "torch" } }
        && call.Parent is MemberAccessExpressionSyntax { Name: { Identifier.ValueText: "ToArray" or "ToNDArray" } copyName } copy && copy.Expression == call
        && copy.Parent is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0 } copied
            ? [name, access, call, copyName, copy, copied]
            : null;

    /// <summary>An accessor, or a type, member, delegate or generic that has one in it. A type too large to read is refused elsewhere (<see cref="TypeSize"/>).</summary>
    static bool Involves(ISymbol? symbol) => symbol is not null && !TypeSize.Exceeds(symbol) && symbol switch
    {
        ITypeSymbol type => Involves(type),
        IMethodSymbol method => Involves(method.ReturnType) || Involves(method.ContainingType) || method.Parameters.Any(p => Involves(p.Type)) || method.TypeArguments.Any(Involves),
        IPropertySymbol property => Involves(property.Type) || Involves(property.ContainingType),
        IFieldSymbol field => Involves(field.Type),
        ILocalSymbol local => Involves(local.Type),
        IParameterSymbol parameter => Involves(parameter.Type),
        _ => false,
    };

    static bool Involves(ITypeSymbol? type) => type switch
    {
        IArrayTypeSymbol array => Involves(array.ElementType),
        INamedTypeSymbol named => IsAccessor(named) || named.TypeArguments.Any(Involves)
                                  || named.DelegateInvokeMethod is { } invoke && (Involves(invoke.ReturnType) || invoke.Parameters.Any(p => Involves(p.Type))),
        _ => false,
    };

    static bool IsAccessor(INamedTypeSymbol type) =>
        type.OriginalDefinition is { Name: "TensorAccessor", Arity: 1, ContainingNamespace: { Name: "Utils", ContainingNamespace.Name: "TorchSharp" } };
}
