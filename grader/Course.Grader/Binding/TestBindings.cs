using System.Runtime.CompilerServices;
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
        CancellationToken cancellationToken = default)
    {
        var bindings = new List<TestBinding>();
        // The same symbols (Tensor, Assert.That, ...) come up at thousands of places; their display strings are made once.
        var bound = new Dictionary<ISymbol, BoundSymbol?>(SymbolEqualityComparer.Default);
        foreach (var use in UsesIn(suite, cancellationToken))
        {
            if (!bound.TryGetValue(use.Symbol, out var target))
                bound[use.Symbol] = target = BoundSymbol.Of(use.Symbol, homework, declarationOf);
            if (target is not null) bindings.Add(new TestBinding(use.File, use.Span, use.Aspect, target));
        }
        return bindings;
    }

    /// <summary>
    /// The uses of each suite compilation already read, in file and node order. A compilation never changes, and the compile
    /// stage hands out one compilation for a suite as long as the homework's public surface stays the same (its cache): every
    /// run of <c>course validate</c> and every student of a batch who kept the starter's signatures. Binding every node of the
    /// tests again for each of them was a tenth of a profiled validate's CPU time. Only what the symbols mean for messages
    /// (<see cref="BoundSymbol.Of"/>, with the submission's declarations) is made per call. A read stopped by its token
    /// throws and is not kept.
    /// </summary>
    static readonly ConditionalWeakTable<Compilation, IReadOnlyList<(string File, TextSpan Span, UseAspect Aspect, ISymbol Symbol)>> ReadUses = [];

    static IReadOnlyList<(string File, TextSpan Span, UseAspect Aspect, ISymbol Symbol)> UsesIn(Compilation suite, CancellationToken cancellationToken) =>
        ReadUses.GetValue(suite, compilation =>
            [.. compilation.SyntaxTrees.SelectMany(tree => SymbolUses.In(compilation.GetSemanticModel(tree), cancellationToken)
                .Select(use => (tree.FilePath, use.At.Span, use.Aspect, use.Symbol)))]);

    /// <summary>The homework's assembly among those a test suite references.</summary>
    public static IAssemblySymbol HomeworkIn(Compilation suite, string homeworkName) =>
        suite.SourceModule.ReferencedAssemblySymbols.Single(a => a.Identity.Name == homeworkName);
}
