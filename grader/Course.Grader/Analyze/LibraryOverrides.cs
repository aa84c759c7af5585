using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Analyze;

/// <summary>
/// Homework code may override a library's member only where it is asked to write one: a module's <c>forward</c>, a
/// member the library leaves abstract, and <c>ToString</c>. A test reads a module through TorchSharp's own members (its
/// parameters, buffers, submodules, mode and device: <c>parameters()</c>, <c>named_parameters()</c>, <c>state_dict()</c>,
/// <c>train()</c>, <c>to()</c>), which are virtual; an override could show the test something other than what the module
/// computes with. A red-team module that reported only <c>W_O</c> and <c>b_O</c> from <c>named_parameters</c>, and used no
/// query, key or value weight, passed hw3's check that every parameter gets a gradient. The binding check cannot see this
/// (the test binds to the library's member either way), so such an override is refused before any of it runs.
/// <c>Equals</c> and <c>GetHashCode</c> are <see cref="ValueComparison"/>'s to refuse.
/// </summary>
public static class LibraryOverrides
{
    public const string Message =
        "Homework types may override only what they are asked to write (a module's forward): the tests read a module's parameters, " +
        "buffers, submodules and mode through TorchSharp's own members (parameters(), named_parameters(), state_dict(), train(), to()), " +
        "and an override could show them something other than what the module computes with.";

    /// <summary>
    /// The library member <paramref name="node"/> (a method, property, indexer or event) overrides where that is not
    /// allowed, or null. An override of the homework's own member is read where that member is written.
    /// </summary>
    public static ISymbol? WrittenAt(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken = default)
    {
        if (node is not (BaseMethodDeclarationSyntax or BasePropertyDeclarationSyntax)) return null;
        if (model.GetDeclaredSymbol(node, cancellationToken) is not { IsOverride: true } declared || Overridden(declared) is not { } overridden) return null;
        if (SymbolEqualityComparer.Default.Equals(overridden.ContainingAssembly, declared.ContainingAssembly)) return null;
        return Allowed(overridden) ? null : overridden;
    }

    static ISymbol? Overridden(ISymbol member) => member switch
    {
        IMethodSymbol method => method.OverriddenMethod,
        IPropertySymbol property => property.OverriddenProperty,
        IEventSymbol @event => @event.OverriddenEvent,
        _ => null,
    };

    static bool Allowed(ISymbol member) =>
        member.IsAbstract
        || member.Name is "forward" && member.ContainingAssembly?.Name == "TorchSharp"
        || member.ContainingType.SpecialType == SpecialType.System_Object && member.Name == "ToString"
        // How values compare is ValueComparison's to refuse, once.
        || member.Name is "Equals" or "GetHashCode" or "CompareTo";
}
