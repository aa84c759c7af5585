using Course.Grader.Analyze;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Course.Grader.Binding;

/// <summary>One binding of the test code: at a span of a file, the aspect, and what it resolved to.</summary>
public sealed record TestBinding(string File, TextSpan Span, UseAspect Aspect, BoundSymbol Target);

/// <summary>
/// Everything a test suite's code binds to, node by node (see <see cref="SymbolUses"/>): every name, every
/// expression's type, conversions, operators and the calls the compiler makes for the code. Read once from the tests
/// compiled against the starter and again against a submission; <see cref="BindingCheck"/> compares the two.
/// </summary>
public static class TestBindings
{
    /// <param name="homework">The homework's assembly as the suite references it.</param>
    /// <param name="declarationOf">Where a homework symbol is declared, for messages (see <see cref="BoundSymbol.Of"/>).</param>
    public static IReadOnlyList<TestBinding> Read(Compilation suite, IAssemblySymbol homework, Func<ISymbol, SourcePlace?>? declarationOf = null,
        CancellationToken cancellationToken = default) =>
        // Read once per suite compilation (see SymbolUses.Of); only what the symbols mean for messages is made per call.
        Of(SymbolUses.Of(suite, cancellationToken), homework, declarationOf);

    /// <summary>What <paramref name="uses"/> bind to, as <see cref="Read"/> gives it for a whole suite.</summary>
    public static IReadOnlyList<TestBinding> Of(IEnumerable<SymbolUse> uses, IAssemblySymbol homework, Func<ISymbol, SourcePlace?>? declarationOf = null)
    {
        var bindings = new List<TestBinding>();
        // The same symbols (Tensor, Assert.That, ...) come up at thousands of places; their display strings are made once.
        var bound = new Dictionary<ISymbol, BoundSymbol?>(SymbolEqualityComparer.Default);
        foreach (var use in uses)
        {
            if (!bound.TryGetValue(use.Symbol, out var target))
                bound[use.Symbol] = target = BoundSymbol.Of(use.Symbol, homework, declarationOf);
            if (target is not null) bindings.Add(new TestBinding(use.At.SyntaxTree.FilePath, use.At.Span, use.Aspect, target));
        }
        return bindings;
    }

    /// <summary>The homework's assembly among those a test suite references.</summary>
    public static IAssemblySymbol HomeworkIn(Compilation suite, string homeworkName) =>
        suite.SourceModule.ReferencedAssemblySymbols.Single(a => a.Identity.Name == homeworkName);
}
