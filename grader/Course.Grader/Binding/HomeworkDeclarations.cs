using Microsoft.CodeAnalysis;

namespace Course.Grader.Binding;

/// <summary>
/// Finds where a homework symbol, as a test suite sees it through the compiled homework's metadata, is declared in
/// the homework's source: its file and line, for a message that points at the student's own code.
/// </summary>
public sealed class HomeworkDeclarations(Compilation homework)
{
    public SourcePlace? Of(ISymbol symbol)
    {
        var definition = symbol switch
        {
            IMethodSymbol method => (method.ReducedFrom ?? method).OriginalDefinition,
            _ => symbol.OriginalDefinition,
        };
        if (definition is IArrayTypeSymbol array) definition = array.ElementType.OriginalDefinition;
        var id = DocumentationCommentId.CreateDeclarationId(definition);
        if (id is null) return null;
        var source = DocumentationCommentId.GetFirstSymbolForDeclarationId(id, homework);
        var location = source?.Locations.FirstOrDefault(l => l.IsInSource);
        if (location is null) return null;
        var span = location.GetLineSpan(); // the file and line compiled, whatever a #line directive says (CompileDiagnostic)
        return new SourcePlace(span.Path, span.StartLinePosition.Line + 1);
    }
}
