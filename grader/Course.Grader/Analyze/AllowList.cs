using Course.Grader.Manifest;
using Microsoft.CodeAnalysis;

namespace Course.Grader.Analyze;

/// <summary>
/// What homework code may use, by symbol. A library symbol is allowed when an entry names it (a member), its type (a
/// type entry covers its members and nested types) or its namespace (a namespace entry covers the types directly in
/// it, not those of sub-namespaces), no denial names it, and every type in its signature is allowed too, so that an
/// allowed type cannot hand out a disallowed one (<c>object.GetType()</c> returns a <c>System.Type</c>,
/// <c>Delegate.Method</c> a <c>MethodInfo</c>, <c>Tensor.Handle</c> an <c>IntPtr</c>). A rule may refuse library symbols
/// by what they are rather than by name, whatever entry allows them (<see cref="SandboxPolicy.Unchecked"/>). The homework's
/// own code is always allowed; what it calls is checked where it calls it.
/// </summary>
public sealed class AllowList
{
    readonly HashSet<string> namespaces = new(StringComparer.Ordinal);
    readonly HashSet<string> types = new(StringComparer.Ordinal);
    readonly List<BannedApi> members = [];
    readonly List<BannedApi> denied;
    readonly Dictionary<ISymbol, string?> verdicts = new(SymbolEqualityComparer.Default);

    /// <summary>Why a symbol that no entry allows is left out, in words for the student.</summary>
    readonly Func<ISymbol, string> notListed;

    /// <summary>Why a library symbol is refused whatever entry allows it, or null: a denial by what the symbol is, not by its name.</summary>
    readonly Func<ISymbol, string?> refusedByRule;

    public AllowList(IEnumerable<AllowedApi> allowed, IEnumerable<BannedApi> denied, Func<ISymbol, string> notListed, Func<ISymbol, string?>? refusedByRule = null)
    {
        foreach (var entry in allowed)
        {
            var name = entry.Id[2..];
            switch (entry.Id[0])
            {
                case 'N': namespaces.Add(name); break;
                case 'T': types.Add(WithoutArity(name)); break;
                default: members.Add(new BannedApi(entry.Id, "")); break;
            }
        }
        this.denied = [.. denied];
        this.notListed = notListed;
        this.refusedByRule = refusedByRule ?? (_ => null);
    }

    /// <summary>Null when homework code may use <paramref name="symbol"/>; otherwise why not.</summary>
    /// <param name="homework">The homework's own assembly, whose symbols are always allowed.</param>
    public string? Verdict(ISymbol symbol, IAssemblySymbol homework)
    {
        lock (verdicts)
        {
            if (verdicts.TryGetValue(symbol, out var known)) return known;
        }
        var verdict = Judge(symbol, homework, depth: 0);
        lock (verdicts) verdicts[symbol] = verdict;
        return verdict;
    }

    /// <summary>How deep the check reads into type arguments and signatures; what lies deeper is refused, not assumed allowed.</summary>
    const int MaxDepth = 16;

    string? Judge(ISymbol symbol, IAssemblySymbol homework, int depth)
    {
        if (depth > MaxDepth) return $"types nested more than {MaxDepth} deep are not allowed in homework code: the grader does not read that far.";
        switch (symbol)
        {
            case INamespaceSymbol or ITypeParameterSymbol or ILocalSymbol or IParameterSymbol or IRangeVariableSymbol
                or ILabelSymbol or IDiscardSymbol or IAliasSymbol or IPreprocessingSymbol:
                return null;
            case IDynamicTypeSymbol:
                return "dynamic is not allowed in homework code: it is resolved at run time, outside of what the grader can check.";
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                return "pointers are not allowed in homework code.";
            case IArrayTypeSymbol array:
                return Judge(array.ElementType, homework, depth + 1);
            case IMethodSymbol { MethodKind: MethodKind.BuiltinOperator or MethodKind.AnonymousFunction or MethodKind.LocalFunction }:
                return null;
        }
        if (IsHomework(symbol, homework))
            return symbol is INamedTypeSymbol { IsGenericType: true } own ? TypeArguments(own.TypeArguments, homework, depth) : null;

        var definition = symbol is IMethodSymbol method ? (method.ReducedFrom ?? method).OriginalDefinition : symbol.OriginalDefinition;
        if (denied.FirstOrDefault(d => d.Matches(definition)) is { } denial) return denial.Message;
        if (refusedByRule(definition) is { } refusal) return refusal;
        if (definition is not INamedTypeSymbol && IsListedException(Outermost(definition)) && !OpaqueExceptions.MemberAllowed(definition))
            return OpaqueExceptions.Message;
        if (!Listed(definition)) return notListed(definition);
        return symbol switch
        {
            INamedTypeSymbol type => TypeArguments(type.TypeArguments, homework, depth),
            IMethodSymbol m => Signature([m.ReturnType, .. m.Parameters.Select(p => p.Type), .. m.TypeArguments], homework, depth),
            IPropertySymbol p => Signature([p.Type, .. p.Parameters.Select(x => x.Type)], homework, depth),
            IFieldSymbol f => Signature([f.Type], homework, depth),
            IEventSymbol e => Signature([e.Type], homework, depth),
            _ => null,
        };
    }

    string? TypeArguments(IEnumerable<ITypeSymbol> arguments, IAssemblySymbol homework, int depth) => Signature(arguments, homework, depth);

    string? Signature(IEnumerable<ITypeSymbol> parts, IAssemblySymbol homework, int depth)
    {
        foreach (var part in parts)
        {
            if (part.SpecialType == SpecialType.System_Void) continue;
            if (Judge(part, homework, depth + 1) is { } problem)
                return $"it involves {part.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)}: {problem}";
        }
        return null;
    }

    bool Listed(ISymbol definition)
    {
        if (members.Any(m => m.Matches(definition))) return true;
        for (var type = definition as INamedTypeSymbol ?? definition.ContainingType; type is not null; type = type.ContainingType)
            if (types.Contains(TypeName(type))) return true;
        var outermost = Outermost(definition);
        return outermost?.ContainingNamespace is { } ns && namespaces.Contains(SymbolIds.NamespaceName(ns))
            || IsListedException(outermost);
    }

    /// <summary>The type a symbol is declared in, or the type itself, out to the one not nested in another.</summary>
    static INamedTypeSymbol? Outermost(ISymbol definition)
    {
        var outermost = definition as INamedTypeSymbol ?? definition.ContainingType;
        while (outermost?.ContainingType is { } outer) outermost = outer;
        return outermost;
    }

    /// <summary>
    /// The BCL's exception types in a listed namespace: what <c>throw</c> and <c>catch</c> need, and nothing more (of their
    /// members, only those <see cref="OpaqueExceptions.MemberAllowed"/> allows).
    /// </summary>
    bool IsListedException(INamedTypeSymbol? type)
    {
        if (type?.ContainingNamespace is not { } ns || !namespaces.Contains(ns.ToDisplayString()) && !ExceptionNamespaces.Contains(ns.ToDisplayString())) return false;
        return OpaqueExceptions.IsException(type);
    }

    static readonly HashSet<string> ExceptionNamespaces = new(StringComparer.Ordinal) { "System", "System.Collections.Generic" };

    static bool IsHomework(ISymbol symbol, IAssemblySymbol homework) =>
        SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, homework);

    /// <summary>Namespace.Outer.Inner without generic arity: an entry for Func covers Func`1 to Func`17.</summary>
    static string TypeName(INamedTypeSymbol type)
    {
        var name = type.Name;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType) name = outer.Name + "." + name;
        return type.ContainingNamespace is { IsGlobalNamespace: false } ns ? $"{SymbolIds.NamespaceName(ns)}.{name}" : name;
    }

    static string WithoutArity(string name) => string.Join('.', name.Split('.').Select(part => part.Split('`')[0]));
}
