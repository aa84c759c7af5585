using System.Collections.Concurrent;
using Course.Grader.Binding;
using Course.Grader.Catalog;
using Course.Grader.Compile;
using Course.Grader.Run;
using Microsoft.CodeAnalysis;

namespace Course.Grader.Pipeline;

/// <summary>One test suite as the grader reads it from trusted code: its tests, and what its code binds to against the starter.</summary>
/// <param name="starterView">The starter as the test code sees it (<see cref="CompileStage.TestViewOf"/>): against a submission
/// that it sees alike, the test code binds as it does against the starter.</param>
/// <param name="readBindings">Reads <see cref="Bindings"/>, on first use.</param>
public sealed class TrustedSuite(string assemblyName, IReadOnlyList<TestCaseSpec> tests, string? starterView, Func<IReadOnlyList<TestBinding>> readBindings)
{
    readonly Lazy<IReadOnlyList<TestBinding>> bindings = new(readBindings);

    public string AssemblyName { get; } = assemblyName;

    public IReadOnlyList<TestCaseSpec> Tests { get; } = tests;

    public string? StarterView { get; } = starterView;

    /// <summary>
    /// What the test code binds to against the starter, place by place: read (binding every line of the tests) only when first
    /// asked, which a grade does for a submission whose view differs from <see cref="StarterView"/>.
    /// </summary>
    public IReadOnlyList<TestBinding> Bindings => bindings.Value;
}

/// <summary>
/// The test suites compiled against the trusted starter, never against a submission: the list of tests a grade is
/// scored on (<see cref="TestCatalog"/>) and the symbols the test code binds to (<see cref="TestBindings"/>), which a
/// submission's compilation must reproduce. Read once per test-suite hash and process, so a batch pays for it once; the
/// bindings only when a submission needs them.
/// </summary>
public static class TrustedTests
{
    /// <summary>A homework's trusted suites, and its starter's given files (<see cref="Binding.GivenCode"/>), read from the same compilation.</summary>
    sealed record Trusted(IReadOnlyList<TrustedSuite> Suites, Lazy<GivenCode> Given);

    static readonly ConcurrentDictionary<string, Lazy<Trusted>> Cache = new(StringComparer.Ordinal);

    /// <param name="testSuiteHash">The hash of the tests, goldens, starter and manifest (<see cref="TestSuiteHash"/>) the cache is keyed by.</param>
    /// <exception cref="InvalidOperationException">The tests do not compile against the starter: the homework is broken, not the submission.</exception>
    /// <exception cref="CatalogException">A test's cases cannot be listed without running it.</exception>
    public static IReadOnlyList<TrustedSuite> For(HomeworkSuites suites, bool includeHidden, string testSuiteHash, WorkerLocation worker) =>
        Of(suites, includeHidden, testSuiteHash, worker).Suites;

    /// <summary>
    /// The homework project's given files as the starter has them, and what they bind to there (<see cref="Binding.GivenCode"/>),
    /// which a submission's compilation must reproduce: read, binding only those files, when first asked.
    /// </summary>
    public static GivenCode GivenCode(HomeworkSuites suites, bool includeHidden, string testSuiteHash, WorkerLocation worker) =>
        Of(suites, includeHidden, testSuiteHash, worker).Given.Value;

    static Trusted Of(HomeworkSuites suites, bool includeHidden, string testSuiteHash, WorkerLocation worker) =>
        Cache.GetOrAdd($"{testSuiteHash}|{includeHidden}|{worker.WorkerPath}", _ => new Lazy<Trusted>(() => Read(suites, includeHidden, worker))).Value;

    static Trusted Read(HomeworkSuites suites, bool includeHidden, WorkerLocation worker)
    {
        var starter = new AssemblySources(suites.Manifest.Project, SourceFile.ReadFolder(suites.StarterProject, suites.StarterProject));
        var testSuites = suites.Suites(includeHidden).Select(s => s.Sources).ToList();
        var request = new CompileRequest(starter, testSuites, worker.LibraryAssemblies, suites.GivenLibraries(worker.LibraryAssemblies));
        var (homework, compiled) = CompileStage.ForReading(request);
        // Only declarations are checked here, which costs nothing: that every test body compiles against the starter is what
        // `course validate` proves (the starter and the reference are graded through the full compile), and CI runs it.
        var problems = compiled.Prepend(homework)
            .SelectMany(c => c.GetDeclarationDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => $"{c.AssemblyName}: {CompileDiagnostic.From(d, c)}"))
            .ToList();
        if (problems.Count > 0)
            throw new InvalidOperationException($"the tests of {suites.Manifest.Id} do not compile against its starter: {string.Join("; ", problems.Take(3))}");
        // The hidden suite is the one read from assignments/<id>/tests; its tests are hidden by that location (ScoreStage.VisibilityOf).
        var hidden = includeHidden ? suites.HiddenSuiteName : null;
        var view = CompileStage.TestViewOf(homework, request);
        var studentFiles = new HashSet<string>(suites.Manifest.StudentFiles, StringComparer.Ordinal);
        // Where each homework symbol the tests use is declared: what a given file declares is trusted (GivenCode.Trusting).
        var declarations = new HomeworkDeclarations(homework);
        return new Trusted(compiled.Select(suite => new TrustedSuite(
                suite.AssemblyName!,
                [.. Listed(suite, hidden)],
                view,
                () => Binding.GivenCode.Trusting(TestBindings.Read(suite, TestBindings.HomeworkIn(suite, suites.Manifest.Project), declarations.Of), studentFiles)))
            .ToList(), new Lazy<GivenCode>(() => Binding.GivenCode.OfStarter(homework, studentFiles)));
    }

    /// <summary>
    /// The suite's tests, each marked with what the grader knows of it from where it read it: in the hidden suite, or (in a
    /// grade with the hidden tests, <paramref name="hidden"/> not null) a public test that replays a golden (<see cref="GoldenReaders"/>).
    /// </summary>
    static IEnumerable<TestCaseSpec> Listed(Compilation suite, string? hidden)
    {
        var inHidden = suite.AssemblyName == hidden;
        var replaying = hidden is null || inHidden ? null : GoldenReaders.Of(suite);
        return TestCatalog.Read(suite).Select(t => t with
        {
            InHiddenSuite = inHidden,
            ReplaysGolden = replaying is not null && replaying.Any(name => TestNames.Selects(name, t.FullName)),
        });
    }
}
