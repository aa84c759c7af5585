using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Analyze;

/// <summary>
/// Homework code keeps no state between calls. Each test calls it afresh, and a static field is a channel from one call to
/// the next and from one test to another: a red team (stop 55) kept the planted directions a test made through one
/// homework class in a static field and read them back in another's <c>Train</c>, which trained nothing and passed the test
/// that compared its weights with those directions; others logged every input a test handed them, or kept a marker of
/// which tests had run. So a static field, a static auto-property's backing field and a static field-like event must be
/// readonly and hold a value that cannot change: a number, a string, an enum, or a homework record or struct all of whose
/// fields are such (a readonly struct field cannot be written through). A const is always fine; a method computes anew.
/// </summary>
public static class StaticState
{
    public const string LibraryMessage =
        "Homework code may not set a library's static fields or properties (torch.float32, TensorIndex.Colon, ...): they are the whole " +
        "process's, and the tests' own code reads them. Read them, or use a local of your own.";

    public const string Message =
        "Homework code may not keep state between calls: a static field or property must be a const, or readonly with a value that cannot change " +
        "(a number, a string, an enum, or a record of such). Make the value where you use it, or pass it in.";

    /// <summary>The static fields declared by the type declaration <paramref name="node"/> (in this part of it) that can hold state.</summary>
    public static IEnumerable<(SyntaxNode At, ISymbol Field)> DeclaredBy(SyntaxNode node, SemanticModel model)
    {
        if (node is not BaseTypeDeclarationSyntax declaration || model.GetDeclaredSymbol(declaration) is not INamedTypeSymbol type) yield break;
        // A backing field is declared by its property; a field-like event's, which Roslyn does not list, by the event.
        var holders = type.GetMembers().OfType<IFieldSymbol>()
            .Where(f => f.IsStatic && !f.IsConst && !(f.IsReadOnly && Immutable(f.Type, t => SymbolEqualityComparer.Default.Equals(t.ContainingAssembly, type.ContainingAssembly), [])))
            .Select(f => f.AssociatedSymbol ?? f)
            .Concat(type.GetMembers().OfType<IEventSymbol>().Where(e => e.IsStatic && e.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is VariableDeclaratorSyntax)));
        foreach (var declared in holders)
        {
            // Only this part of a partial type reports its own.
            if (declared.DeclaringSyntaxReferences.FirstOrDefault(r => r.SyntaxTree == node.SyntaxTree && declaration.Span.Contains(r.Span)) is { } at)
                yield return (at.GetSyntax(), declared);
        }
    }

    /// <summary>
    /// A library's static field or property that the code at <paramref name="node"/> writes (an assignment, ++ or --, a ref or
    /// out argument, a ref to it), or null. TorchSharp keeps some of its own values in static fields anyone may set:
    /// <c>torch.float32</c> and the other dtype names, <c>TensorIndex.Colon</c>, the distributions' constraints, the print
    /// style. Set by homework code, they would be a store between its calls, and would change what the tests' own code
    /// means by them; read, they are constants. So no write to any library's static state passes, whatever the library adds.
    /// </summary>
    public static ISymbol? LibraryStaticWrittenAt(SyntaxNode node, SemanticModel model)
    {
        var targets = node switch
        {
            AssignmentExpressionSyntax assignment => Targets(assignment.Left),
            PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression } prefix => [prefix.Operand],
            PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression or (int)SyntaxKind.PostDecrementExpression } postfix => [postfix.Operand],
            ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.RefKeyword or (int)SyntaxKind.OutKeyword } argument => [argument.Expression],
            RefExpressionSyntax reference => [reference.Expression],
            _ => [],
        };
        return targets.Select(t => model.GetSymbolInfo(t).Symbol)
            .FirstOrDefault(symbol => symbol is IFieldSymbol { IsStatic: true } or IPropertySymbol { IsStatic: true }
                                      && !SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, model.Compilation.Assembly));
    }

    /// <summary>What an assignment's left side writes: itself, or each element of a deconstruction.</summary>
    static IEnumerable<ExpressionSyntax> Targets(ExpressionSyntax left) => left switch
    {
        TupleExpressionSyntax tuple => tuple.Arguments.SelectMany(a => Targets(a.Expression)),
        DeclarationExpressionSyntax => [],
        _ => [left],
    };

    /// <summary>
    /// Whether no value of <paramref name="type"/> held in a readonly field can change: a number, a string, an enum, a tuple or
    /// nullable of such, or a class or struct that <paramref name="readable"/> lets be judged by its fields, all of which are
    /// readonly (or of a struct) and such. Any other type (an array, a collection, a library's class) can change.
    /// </summary>
    internal static bool Immutable(ITypeSymbol type, Func<INamedTypeSymbol, bool> readable, HashSet<ITypeSymbol> seen)
    {
        if (type.SpecialType is >= SpecialType.System_Boolean and <= SpecialType.System_String or SpecialType.System_IntPtr or SpecialType.System_UIntPtr)
            return true;
        if (type.TypeKind == TypeKind.Enum) return true;
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable) return Immutable(nullable.TypeArguments[0], readable, seen);
        if (type is INamedTypeSymbol { IsTupleType: true } tuple) return tuple.TupleElements.All(e => Immutable(e.Type, readable, seen));
        // Records, classes and structs whose code is read here: by their fields. A type that holds itself is as immutable as the rest.
        if (type is not INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } named || !readable(named))
            return false;
        if (!seen.Add(named)) return true;
        if (named.BaseType is { SpecialType: not (SpecialType.System_Object or SpecialType.System_ValueType) } baseType && !Immutable(baseType, readable, seen))
            return false;
        return named.GetMembers().OfType<IFieldSymbol>().Where(f => !f.IsStatic)
            .All(f => (f.IsReadOnly || named.TypeKind == TypeKind.Struct) && Immutable(f.Type, readable, seen));
    }
}
