using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Analyze;

/// <summary>
/// Homework code reads a tensor's values as a copy, <c>t.data&lt;T&gt;().ToArray()</c> (or <c>ToNDArray()</c>), and nothing
/// else of TorchSharp's <c>TensorAccessor</c>. The accessor reads the tensor's data pointer once, when it is made, and bounds
/// each later index by the tensor's size at that later time. A view whose storage was swapped for a larger one
/// (<c>set_</c>, or an in-place factory such as <c>zeros(sizes)</c>) left an accessor taken before it a window onto the
/// worker's native heap past the old storage, where the tests' expected tensors lie, to read and to write (a red team, stop
/// 54). Copied in the expression that made it, the pointer is used before any other code runs. So every expression whose
/// type is an accessor must be a call of <c>data&lt;T&gt;()</c> whose result is copied at once: never kept in a variable,
/// indexed (an index is code that runs after the pointer is read), enumerated, passed on or returned. The rule is by type, so
/// a new way to make an accessor is held to it too.
/// </summary>
public static class TensorAccessors
{
    public const string Message =
        "Homework code reads a tensor's values as a copy: t.data<float>().ToArray(), or t.item<float>() for one value. A TensorAccessor " +
        "kept, indexed, enumerated or passed on reads native memory through a pointer taken when it was made, which later changes to the tensor can leave pointing elsewhere.";

    /// <summary>
    /// The accessor the expression at <paramref name="node"/> keeps or hands on, read from what the node uses (see
    /// <see cref="SymbolUses"/>, which the analyze stage reads anyway), or null: the node's type is not an accessor, or the
    /// node is a call of <c>data&lt;T&gt;()</c> copied at once.
    /// </summary>
    public static ITypeSymbol? Kept(SyntaxNode node, IEnumerable<SymbolUse> uses)
    {
        ITypeSymbol? accessor = null;
        ISymbol? symbol = null;
        foreach (var use in uses)
        {
            switch (use.Aspect)
            {
                case UseAspect.Type or UseAspect.ConvertedType when IsAccessor(use.Symbol as ITypeSymbol): accessor = (ITypeSymbol)use.Symbol; break;
                case UseAspect.Symbol: symbol = use.Symbol; break;
            }
        }
        return accessor is null || CopiedAtOnce(node, symbol) ? null : accessor;
    }

    /// <summary><c>t.data&lt;T&gt;().ToArray()</c> or <c>.ToNDArray()</c>: the call makes the accessor, and the copy is the next thing that runs.</summary>
    static bool CopiedAtOnce(SyntaxNode node, ISymbol? symbol) =>
        node is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0 }
        && symbol is IMethodSymbol { Name: "data", ContainingType: { Name: "Tensor", ContainingType.Name: "torch" } }
        && node.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ToArray" or "ToNDArray" } copy && copy.Expression == node
        && copy.Parent is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0 };

    static bool IsAccessor(ITypeSymbol? type) =>
        type?.OriginalDefinition is INamedTypeSymbol { Name: "TensorAccessor", Arity: 1, ContainingNamespace: { Name: "Utils", ContainingNamespace.Name: "TorchSharp" } };
}
