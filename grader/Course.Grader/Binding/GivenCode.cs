using Course.Grader.Analyze;
using Microsoft.CodeAnalysis;

namespace Course.Grader.Binding;

/// <summary>
/// The homework project's given files (every file that is not a student file: a sampler, a data set, a record the
/// course wrote) as the starter has them, and what they bind to there. They compile into one assembly with the student's
/// files, so a type the student declares in the homework's namespace would take the place of a library type that given
/// code finds through a file-level <c>using</c> (C# looks in the enclosing namespace first), and an extension method,
/// overload or operator of the student's would take the place of the library's or the given code's own: trusted code
/// would then run the student's. A submission's given files must bind as the starter's do, place by place
/// (<see cref="BindingCheck"/>, as for the tests), with one difference: what the given files declare counts as trusted,
/// like a library, so given code that calls given code must call the same member.
/// </summary>
/// <param name="Texts">Each given file's text, by path.</param>
public sealed record GivenCode(IReadOnlyDictionary<string, string> Texts, IReadOnlyList<TestBinding> Bindings)
{
    /// <summary>The starter's given files and their bindings, binding only those files.</summary>
    public static GivenCode OfStarter(Compilation starter, IReadOnlySet<string> studentFiles, CancellationToken cancellationToken = default)
    {
        var given = starter.SyntaxTrees.Where(tree => !studentFiles.Contains(tree.FilePath)).ToList();
        var bindings = TestBindings.Of(given.SelectMany(tree => SymbolUses.In(starter.GetSemanticModel(tree), cancellationToken)), starter.Assembly,
            new HomeworkDeclarations(starter).Of);
        return new GivenCode(given.ToDictionary(tree => tree.FilePath, tree => tree.GetText(cancellationToken).ToString(), StringComparer.Ordinal),
            Trusting(bindings, studentFiles));
    }

    /// <summary>
    /// Where the given files bind differently in <paramref name="submission"/>, read from the uses the analyzer read of
    /// every file (see <see cref="SymbolUses.Of"/>). A grade always compiles the starter's given files (the workspace takes
    /// only student files from a submission); a file whose text is not the starter's (validate's float noise rewrites every
    /// file of the TA's code) is not compared.
    /// </summary>
    public IReadOnlyList<BindingChange> ChangesIn(Compilation submission, IReadOnlySet<string> studentFiles, CancellationToken cancellationToken = default)
    {
        var given = submission.SyntaxTrees
            .Where(tree => Texts.TryGetValue(tree.FilePath, out var text) && tree.GetText(cancellationToken).ToString() == text)
            .ToHashSet();
        var bindings = TestBindings.Of(SymbolUses.Of(submission, cancellationToken).Where(use => given.Contains(use.At.SyntaxTree)), submission.Assembly,
            new HomeworkDeclarations(submission).Of);
        return BindingCheck.Compare(Bindings, Trusting(bindings, studentFiles), givenCode: true);
    }

    /// <summary>
    /// A symbol declared in a given file is the course's, not the student's: trusted like a library's, by the given files
    /// and by the tests, so a student type in the tests' namespace named as a given type they use, a student part of a
    /// given partial type or a student extension method cannot take its place. Needs each homework symbol's
    /// <see cref="BoundSymbol.Declaration"/>.
    /// </summary>
    public static IReadOnlyList<TestBinding> Trusting(IReadOnlyList<TestBinding> bindings, IReadOnlySet<string> studentFiles) =>
        [.. bindings.Select(b => b.Target is { InHomework: true, Declaration: { } declared } && !studentFiles.Contains(declared.File)
            ? b with { Target = b.Target with { InHomework = false, Declaration = null } }
            : b)];
}
