using Course.Grader.Manifest;
using Microsoft.CodeAnalysis;

namespace Course.Grader.Analyze;

/// <summary>
/// Matches symbols against a banned API in the BannedApiAnalyzers format: a documentation comment ID
/// such as <c>M:TorchSharp.torch.nn.functional.scaled_dot_product_attention(...)</c>,
/// <c>T:System.Diagnostics.Process</c> or <c>N:System.Net</c>. A member ID without a parameter list bans
/// every overload. A type bans all its members and nested types; a namespace bans everything inside it.
/// </summary>
static class BannedApiMatching
{
    public static bool Matches(this BannedApi ban, ISymbol symbol)
    {
        var (Id, Kind, Name) = (ban.Id, ban.Id[0], ban.Id[2..]);
        switch (Kind)
        {
            case 'N':
                var ns = NamespaceOf(symbol);
                return ns == Name || ns.StartsWith(Name + ".", StringComparison.Ordinal);
            case 'T':
                for (var type = symbol as INamedTypeSymbol ?? symbol.ContainingType; type is not null; type = type.ContainingType)
                    if (SymbolIds.Of(type) == Id) return true;
                return false;
            default:
                var id = SymbolIds.Of(symbol);
                if (id is null || id[0] != Kind) return false;
                if (id == Id) return true;
                // "M:Type.Method" without parameters bans every overload, generic ones ("Method``1(...)") too.
                return !Name.Contains('(') && (id.StartsWith(Id + "(", StringComparison.Ordinal) || id.StartsWith(Id + "``", StringComparison.Ordinal));
        }
    }

    static string NamespaceOf(ISymbol symbol) =>
        (symbol as INamespaceSymbol ?? symbol.ContainingNamespace) is { } ns ? SymbolIds.NamespaceName(ns) : "";
}
