using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Compile;

/// <summary>
/// The C# compiler's one way to make much from little in its output: constant strings folded from other constants,
/// <c>const string C1 = C0 + C0; const string C2 = C1 + C1; ...</c>. Each line doubles a string the compiler keeps as a
/// rope until it writes the assembly, where it spells the whole string out: 26 such lines made it hold gigabytes in the
/// grader's own process, shared by every grade of a batch, before the image overflowed. So the most text that constants
/// could hold is measured from the syntax before compiling, and a submission over it is a compile error.
/// </summary>
/// <remarks>
/// The measure is an upper bound read by name, with no binding: a constant's initializer counts as long as its source text,
/// plus, for each identifier in it that names one of the submission's constants, that constant's own measure (the largest,
/// where several share a name). A folded string is made of literal text, <c>nameof</c> names and other constants, all of
/// which the source text bounds; a library's constants are as long as the library made them. The whole submission counts its
/// source text and every use of one of its constants, so the bound also covers a long constant spelled out many times.
/// </remarks>
static class ConstantFolding
{
    /// <summary>Four times the most source text a submission may hold (<c>WorkspaceLimits.Default</c>'s 4 MiB): 32 MB of strings at most.</summary>
    public const long MaxCharacters = 16L << 20;

    /// <summary>Null when the constants of <paramref name="trees"/> are bounded; otherwise the error a student reads, at the constant that makes most.</summary>
    public static CompileDiagnostic? Check(IReadOnlyList<SyntaxTree> trees)
    {
        var constants = new Dictionary<string, List<VariableDeclaratorSyntax>>(StringComparer.Ordinal);
        foreach (var declarator in trees.SelectMany(t => t.GetRoot().DescendantNodes()).OfType<VariableDeclaratorSyntax>())
            if (declarator.Initializer is not null && IsConstant(declarator))
                (constants.TryGetValue(declarator.Identifier.ValueText, out var named) ? named : constants[declarator.Identifier.ValueText] = []).Add(declarator);
        if (constants.Count == 0) return null;

        var measured = new Dictionary<string, long>(StringComparer.Ordinal);
        var measuring = new HashSet<string>(StringComparer.Ordinal);
        long OfName(string name)
        {
            if (measured.TryGetValue(name, out var known)) return known;
            // A constant defined through itself does not compile; it adds nothing here.
            if (!measuring.Add(name)) return 0;
            var most = constants[name].Max(d => Of(d.Initializer!.Value));
            measuring.Remove(name);
            return measured[name] = most;
        }
        long Of(SyntaxNode node) => Uses(node).Aggregate((long)node.Span.Length, (sum, name) => Add(sum, OfName(name)));
        IEnumerable<string> Uses(SyntaxNode node) =>
            node.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken) && constants.ContainsKey(t.ValueText)).Select(t => t.ValueText);

        var total = trees.Aggregate(0L, (sum, tree) => Add(Add(sum, tree.Length), Uses(tree.GetRoot()).Aggregate(0L, (s, name) => Add(s, OfName(name)))));
        if (total <= MaxCharacters) return null;

        var (worst, most) = constants.Values.SelectMany(d => d).Select(d => (Declarator: d, Measure: Of(d.Initializer!.Value))).MaxBy(d => d.Measure);
        var span = worst.GetLocation().GetLineSpan(); // where it is, whatever a #line directive says (CompileDiagnostic)
        return new CompileDiagnostic(span.Path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, CompileSeverity.Error, "COURSE0002",
            $"constant strings built from other constants could make the compiler spell out up to {Math.Min(total, long.MaxValue / 2):N0} characters " +
            $"(the limit is {MaxCharacters:N0}), {worst.Identifier.ValueText} up to {most:N0}; build long strings at run time instead");
    }

    static bool IsConstant(VariableDeclaratorSyntax declarator) => declarator.Parent?.Parent switch
    {
        FieldDeclarationSyntax field => field.Modifiers.Any(SyntaxKind.ConstKeyword),
        LocalDeclarationStatementSyntax local => local.IsConst,
        _ => false,
    };

    static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}
