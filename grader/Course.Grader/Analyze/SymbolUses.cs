using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Analyze;

/// <summary>Which aspect of a piece of code a symbol use is: the symbol a name means, the type of a value, an implicit call.</summary>
public enum UseAspect
{
    Symbol,
    Type,
    ConvertedType,
    Conversion,
    GetEnumerator,
    MoveNext,
    Current,
    Dispose,
    ElementConversion,
    GetAwaiter,
    GetResult,
    Deconstruct,
    CollectionAdd,
    QueryOperation,
    QueryCast,
}

/// <summary>One symbol a piece of code uses: at a node, in an aspect.</summary>
public readonly record struct SymbolUse(SyntaxNode At, UseAspect Aspect, ISymbol Symbol);

/// <summary>
/// Every symbol code uses, explicit or implicit: what each name and member access means, the type and converted
/// type of every expression, user-defined conversions and operators, and the calls the compiler makes on the code's
/// behalf (GetEnumerator and Dispose for foreach, GetAwaiter for await, Deconstruct, a collection initializer's Add,
/// the methods a query expression calls). The analyze stage checks these against the allow-list; the binding check
/// compares them between two compilations of the same test code.
/// </summary>
public static class SymbolUses
{
    /// <summary>
    /// Every use in every file of <paramref name="compilation"/>, in file and node order, read once per compilation and
    /// shared by the analyzer, the binding check and the member graph. A compilation never changes, and the compile stage
    /// hands out one compilation of a test suite for as long as the homework's public surface stays the same (every run of
    /// <c>course validate</c>, every student of a batch who kept the starter's signatures). A read stopped by its token
    /// throws and is not kept.
    /// </summary>
    public static IReadOnlyList<SymbolUse> Of(Compilation compilation, CancellationToken cancellationToken = default) =>
        Read.GetValue(compilation, c => [.. c.SyntaxTrees.SelectMany(tree => In(c.GetSemanticModel(tree), cancellationToken))]);

    static readonly ConditionalWeakTable<Compilation, IReadOnlyList<SymbolUse>> Read = [];

    public static IEnumerable<SymbolUse> In(SemanticModel model, CancellationToken cancellationToken = default)
    {
        foreach (var node in model.SyntaxTree.GetRoot(cancellationToken).DescendantNodes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var use in At(model, node, cancellationToken)) yield return use;
        }
    }

    static IEnumerable<SymbolUse> At(SemanticModel model, SyntaxNode node, CancellationToken cancellationToken)
    {
        var uses = new List<SymbolUse>();
        void Add(UseAspect aspect, ISymbol? symbol, SyntaxNode? at = null)
        {
            if (symbol is not null) uses.Add(new SymbolUse(at ?? node, aspect, symbol));
        }

        switch (node)
        {
            case ExpressionSyntax or ConstructorInitializerSyntax or AttributeSyntax or PrimaryConstructorBaseTypeSyntax:
                Add(UseAspect.Symbol, model.GetSymbolInfo(node, cancellationToken).Symbol);
                if (node is not ExpressionSyntax expression) break;
                var type = model.GetTypeInfo(expression, cancellationToken);
                Add(UseAspect.Type, type.Type);
                // A user-defined conversion always changes the type, so only a converted expression can have one.
                if (!SymbolEqualityComparer.Default.Equals(type.Type, type.ConvertedType))
                {
                    Add(UseAspect.ConvertedType, type.ConvertedType);
                    Add(UseAspect.Conversion, model.GetConversion(expression, cancellationToken).MethodSymbol);
                }
                switch (expression)
                {
                    case AwaitExpressionSyntax awaited:
                        var awaiter = model.GetAwaitExpressionInfo(awaited);
                        Add(UseAspect.GetAwaiter, awaiter.GetAwaiterMethod);
                        Add(UseAspect.GetResult, awaiter.GetResultMethod);
                        break;
                    case InitializerExpressionSyntax { RawKind: (int)SyntaxKind.CollectionInitializerExpression } collection:
                        foreach (var element in collection.Expressions)
                            Add(UseAspect.CollectionAdd, model.GetCollectionInitializerSymbolInfo(element, cancellationToken).Symbol, element);
                        break;
                    case AssignmentExpressionSyntax { Left: TupleExpressionSyntax or DeclarationExpressionSyntax } deconstruction:
                        Add(UseAspect.Deconstruct, model.GetDeconstructionInfo(deconstruction).Method);
                        break;
                }
                break;
            case CommonForEachStatementSyntax loop:
                var each = model.GetForEachStatementInfo(loop);
                Add(UseAspect.GetEnumerator, each.GetEnumeratorMethod);
                Add(UseAspect.MoveNext, each.MoveNextMethod);
                Add(UseAspect.Current, each.CurrentProperty);
                Add(UseAspect.Dispose, each.DisposeMethod);
                Add(UseAspect.ElementConversion, each.ElementConversion.MethodSymbol);
                break;
            case QueryClauseSyntax clause:
                var query = model.GetQueryClauseInfo(clause, cancellationToken);
                Add(UseAspect.QueryOperation, query.OperationInfo.Symbol);
                Add(UseAspect.QueryCast, query.CastInfo.Symbol);
                break;
            case OrderingSyntax or SelectOrGroupClauseSyntax:
                Add(UseAspect.QueryOperation, model.GetSymbolInfo(node, cancellationToken).Symbol);
                break;
        }
        return uses;
    }
}
