using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Compile;

/// <summary>
/// One of the two known ways to make the C# compiler work exponentially long within one step (the other, generic calls
/// nested in each other, is bounded by the compile's limit and refused by <see cref="Analyze.TypeSize"/>): lambdas nested as arguments of overloaded calls,
/// <c>M(a =&gt; M(b =&gt; M(c =&gt; ...)))</c>. Overload resolution binds each lambda once per candidate of every call
/// around it, so the work is the product of those candidate counts, and Roslyn does not look at its cancellation token
/// while it does it. Measured from the syntax before compiling: the student's own overloads by name, a library's by its
/// overloads of that name that take a delegate (those of one type, plus every extension method of the name), read from
/// the references only when a product could be large.
/// </summary>
static class LambdaNesting
{
    /// <summary>About 0.5 s of binding on a slow machine; ordinary code stays below 500 (Select in Where in Sum: 4 × 2 × 20).</summary>
    public const long MaxBindings = 4096;

    /// <summary>
    /// More than any library name has (Enumerable.GroupBy's 32 are the most in the BCL and TorchSharp), so a product under
    /// the limit with it needs no look at the references; a test checks it against them.
    /// </summary>
    public const int LibraryUpperBound = 48;

    static readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, int>> LibraryOverloads = new(StringComparer.Ordinal);

    /// <summary>Null when compiling <paramref name="trees"/> is bounded; otherwise the error a student reads, at the innermost lambda.</summary>
    public static CompileDiagnostic? Check(IReadOnlyList<SyntaxTree> trees, Func<IReadOnlyList<MetadataReference>> references)
    {
        var own = trees.SelectMany(t => t.GetRoot().DescendantNodes())
            .Select(n => n switch
            {
                MethodDeclarationSyntax m => m.Identifier.Text,
                LocalFunctionStatementSyntax f => f.Identifier.Text,
                ConstructorDeclarationSyntax c => c.Identifier.Text,
                _ => null,
            })
            .OfType<string>().GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var lambdas = trees.SelectMany(t => t.GetRoot().DescendantNodes().OfType<AnonymousFunctionExpressionSyntax>()).ToList();

        var (worst, bindings) = Worst(lambdas, name => own.GetValueOrDefault(name) + LibraryUpperBound);
        if (bindings <= MaxBindings) return null;
        var library = Library(references());
        (worst, bindings) = Worst(lambdas, name => Math.Max(1, own.GetValueOrDefault(name) + library.GetValueOrDefault(name)));
        if (bindings <= MaxBindings) return null;

        var span = worst!.GetLocation().GetLineSpan(); // where it is, whatever a #line directive says (CompileDiagnostic)
        return new CompileDiagnostic(span.Path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, CompileSeverity.Error, "COURSE0001",
            $"lambdas nested in calls to overloaded methods make the compiler bind this one up to {bindings:N0} times " +
            "(each call around it multiplies the work by its number of overloads); flatten the nesting, e.g. with a local function");
    }

    static (SyntaxNode? Lambda, long Bindings) Worst(IEnumerable<AnonymousFunctionExpressionSyntax> lambdas, Func<string, int> overloads)
    {
        (SyntaxNode? Lambda, long Bindings) worst = (null, 0);
        foreach (var lambda in lambdas)
        {
            long product = 1;
            foreach (var call in lambda.Ancestors().OfType<ArgumentListSyntax>().Select(a => a.Parent))
            {
                var name = call switch
                {
                    InvocationExpressionSyntax invocation => NameOf(invocation.Expression),
                    BaseObjectCreationExpressionSyntax creation => creation is ObjectCreationExpressionSyntax { Type: var type } ? NameOf(type) : null,
                    _ => null,
                };
                if (name is null) continue;
                product = Math.Min(product * overloads(name), long.MaxValue / 1024);
            }
            if (product > worst.Bindings) worst = (lambda, product);
        }
        return worst;
    }

    static string? NameOf(ExpressionSyntax expression) => expression switch
    {
        SimpleNameSyntax simple => simple.Identifier.Text,
        MemberAccessExpressionSyntax access => access.Name.Identifier.Text,
        MemberBindingExpressionSyntax binding => binding.Name.Identifier.Text,
        QualifiedNameSyntax qualified => qualified.Right.Identifier.Text,
        AliasQualifiedNameSyntax alias => alias.Name.Identifier.Text,
        _ => null,
    };

    /// <summary>
    /// For each method name, how many overloads that take a delegate a call of it may have to try: the most one type
    /// declares, plus every extension method of that name (all of them are candidates at once).
    /// </summary>
    public static IReadOnlyDictionary<string, int> Library(IReadOnlyList<MetadataReference> references) =>
        LibraryOverloads.GetOrAdd(string.Join('|', references.Select(r => r.Display)), _ =>
        {
            var (own, extensions) = (new Dictionary<string, int>(StringComparer.Ordinal), new Dictionary<string, int>(StringComparer.Ordinal));
            var compilation = CSharpCompilation.Create("overloads", references: references);
            foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols) Count(assembly.GlobalNamespace, own, extensions);
            return own.Keys.Union(extensions.Keys).ToDictionary(n => n, n => own.GetValueOrDefault(n) + extensions.GetValueOrDefault(n), StringComparer.Ordinal);
        });

    static void Count(INamespaceOrTypeSymbol container, Dictionary<string, int> own, Dictionary<string, int> extensions)
    {
        foreach (var member in container.GetMembers())
        {
            if (member is INamespaceSymbol ns) Count(ns, own, extensions);
            if (member is not INamedTypeSymbol { DeclaredAccessibility: Accessibility.Public } type) continue;
            foreach (var group in type.GetMembers().OfType<IMethodSymbol>()
                         .Where(m => m.DeclaredAccessibility == Accessibility.Public && m.MethodKind is MethodKind.Ordinary or MethodKind.Constructor && TakesDelegate(m))
                         .GroupBy(m => m.MethodKind == MethodKind.Constructor ? type.Name : m.Name))
            {
                var extension = group.Count(m => m.IsExtensionMethod);
                extensions[group.Key] = extensions.GetValueOrDefault(group.Key) + extension;
                own[group.Key] = Math.Max(own.GetValueOrDefault(group.Key), group.Count() - extension);
            }
            Count(type, own, extensions);
        }
    }

    /// <summary>Only an overload with a delegate (or expression tree) parameter makes the compiler bind a lambda for it.</summary>
    static bool TakesDelegate(IMethodSymbol method) =>
        method.Parameters.Any(p => p.Type.TypeKind == TypeKind.Delegate || p.Type is INamedTypeSymbol { Name: "Expression", IsGenericType: true });
}
