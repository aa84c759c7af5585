using Course.Grader.Analyze;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Fairness;

/// <summary>
/// A given library keeps no state that homework code could change. Homework code calls it (the hooked model, its prompts),
/// and so do the tests, in the same process: a static of the library that homework code can write, or write through (an
/// array handed out as a list and cast back, a list, a cache of objects), is a store from one test to the next, which
/// <see cref="TestHeldState"/> closes for test code and <see cref="StaticState"/> for homework code. So a given library's
/// statics follow the homework's rule: a const, or readonly with a value that cannot change (a number, a string, an enum,
/// or a record or struct of the library's own all of whose fields are such); a list it gives out is made for each use
/// (<c>static IReadOnlyList&lt;string&gt; Words => ["a", "b"]</c>). <c>course validate</c> names each that is not.
/// </summary>
public static class GivenLibraryState
{
    /// <returns>One line per static of a library that can hold state, saying how to mend it; empty when there is none.</returns>
    public static IReadOnlyList<string> Problems(IEnumerable<Compilation> libraries) =>
        [.. from library in libraries
            from tree in library.SyntaxTrees
            let model = library.GetSemanticModel(tree)
            from declaration in tree.GetRoot().DescendantNodes().OfType<BaseTypeDeclarationSyntax>()
            from held in StaticState.DeclaredBy(declaration, model)
            let line = held.At.GetLocation().GetLineSpan().StartLinePosition.Line + 1
            select $"{library.AssemblyName}: {tree.FilePath.Replace('\\', '/')}:{line}: {held.Field.ContainingType.Name}.{held.Field.Name} is static state of a given library " +
                   $"({Type(held.Field)}); homework code calls the library too, and could keep state in it from one test to the next. Make it a property that makes " +
                   "the value for each use (static ... => ...), or a const"];

    static string Type(ISymbol held) => held switch
    {
        IFieldSymbol field => field.Type.ToDisplayString(),
        IPropertySymbol property => property.Type.ToDisplayString(),
        IEventSymbol @event => @event.Type.ToDisplayString(),
        _ => held.Kind.ToString(),
    };
}
