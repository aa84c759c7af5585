using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace Course.Grader.Compile;

/// <summary>
/// Compiles the student's files into the homework's assembly and each test suite against it, in
/// memory with Roslyn. Errors fail; warnings are reported and never fail. Test code that does not
/// compile against the student's API is isolated (see <see cref="TestCodeIsolation"/>), so a wrong
/// signature costs only the tests that touch it.
/// </summary>
public static class CompileStage
{
    /// <summary>Rounds of isolation before a test suite is declared not to compile.</summary>
    const int MaxIsolationRounds = 5;

    /// <summary>
    /// The homework compiles against the framework, <see cref="HomeworkReferences"/> and its given libraries only (never NUnit,
    /// Course.Testing or the grader, whose types it must not name); the tests against every library plus the given ones and the homework.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (a compile taking too long).</exception>
    public static CompileResult Compile(CompileRequest request, CancellationToken cancellationToken = default)
    {
        var homework = CompileHomework(request.Homework, request.HomeworkReferences, cancellationToken);
        if (homework.Assembly is null) return new CompileResult(homework, []);
        IReadOnlyList<MetadataReference> withHomework = [.. request.TestReferences, MetadataReference.CreateFromImage(homework.Assembly.Image)];
        var view = TestViewOf(homework.Compilation, request);
        return new CompileResult(homework, request.TestSuites
            .Select(suite => CompiledSuites.Get(SuiteKey(suite, view), () => CompileTestSuite(suite, withHomework, cancellationToken), cancellationToken))
            .ToList())
        { TestView = view };
    }

    /// <summary>
    /// Test suites already compiled, by their sources and the homework as they see it (<see cref="TestViewOf"/>): the same
    /// suite compiled against two homeworks with the same view is the same assembly, so validate's stubbed regions and
    /// variants, and the students of a batch who kept the starter's signatures, reuse one compile instead of repeating it.
    /// </summary>
    static readonly SuiteCache CompiledSuites = new();

    /// <summary>
    /// What test code sees of a homework: a hash of its reference assembly (the signatures of its non-private members, their
    /// constants and default values, its assembly attributes; not its method bodies or private members, which test code
    /// cannot name), with the libraries both compile against. Test code compiled against two homeworks with the same view
    /// binds alike, place by place, as a project need not be recompiled while its references' reference assemblies are
    /// unchanged. Null when the homework has no reference assembly to make.
    /// </summary>
    public static string? TestViewOf(CSharpCompilation homework, CompileRequest request)
    {
        using var image = new MemoryStream();
        var result = homework.WithOptions(homework.Options.WithDeterministic(true))
            .Emit(image, options: new EmitOptions(metadataOnly: true, includePrivateMembers: false));
        if (!result.Success) return null;
        var text = new StringBuilder(Convert.ToHexString(SHA256.HashData(image.ToArray())));
        foreach (var path in request.LibraryPaths) text.Append("\0lib ").Append(path);
        foreach (var library in request.GivenLibraries ?? []) text.Append("\0given ").Append(library.Name).Append(' ').Append(library.ContentHash);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    static string? SuiteKey(AssemblySources suite, string? view)
    {
        if (view is null) return null;
        var text = new StringBuilder(suite.AssemblyName).Append('\0').Append(view);
        foreach (var file in suite.Files) text.Append('\0').Append(file.Path).Append('\0').Append(file.Text);
        foreach (var name in suite.GlobalUsings ?? []) text.Append("\0using ").Append(name);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// At most <see cref="Capacity"/> compiled suites, each compiled once however many callers ask at the same time; a
    /// compile that throws is not kept. Past the capacity the suite used least recently goes, so the one most students of
    /// a batch share (the starter's view) stays while those of changed signatures come and go.
    /// </summary>
    sealed class SuiteCache
    {
        const int Capacity = 32;
        readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
        long uses;

        sealed class Entry(Func<AssemblyCompileResult> compile)
        {
            public readonly Lazy<AssemblyCompileResult> Compiled = new(compile);
            public long LastUse;
        }

        public AssemblyCompileResult Get(string? key, Func<AssemblyCompileResult> compile, CancellationToken cancellationToken)
        {
            if (key is null) return compile();
            var entry = entries.GetOrAdd(key, _ => new Entry(compile));
            Volatile.Write(ref entry.LastUse, Interlocked.Increment(ref uses));
            while (entries.Count > Capacity && LeastRecentlyUsedBut(entry) is { } oldest)
                entries.TryRemove(oldest);
            try
            {
                return entry.Compiled.Value;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Another caller's compile was cancelled (or failed): forget it and compile for this one.
                entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
                return compile();
            }
            catch
            {
                entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
                throw;
            }
        }

        KeyValuePair<string, Entry>? LeastRecentlyUsedBut(Entry kept)
        {
            KeyValuePair<string, Entry>? oldest = null;
            foreach (var candidate in entries)
                if (candidate.Value != kept && (oldest is not { } o || Volatile.Read(ref candidate.Value.LastUse) < Volatile.Read(ref o.Value.LastUse)))
                    oldest = candidate;
            return oldest;
        }
    }

    /// <summary>
    /// The homework and each test suite as compilations to read, not to run: nothing is emitted and the tests see the
    /// homework through its compilation, so only what a reader asks for is ever bound. For the trusted starter, whose
    /// tests the grader reads (<c>TrustedTests</c>) but never runs.
    /// </summary>
    public static (CSharpCompilation Homework, IReadOnlyList<CSharpCompilation> TestSuites) ForReading(CompileRequest request)
    {
        var homework = Create(request.Homework, Trees(request.Homework), request.HomeworkReferences);
        IReadOnlyList<MetadataReference> withHomework = [.. request.TestReferences, homework.ToMetadataReference()];
        return (homework, request.TestSuites.Select(suite => Create(suite, Trees(suite), withHomework)).ToList());
    }

    static AssemblyCompileResult CompileHomework(AssemblySources sources, IReadOnlyList<MetadataReference> references, CancellationToken cancellationToken)
    {
        // Before the parser reads any of it: code nested deep enough overflows the stack of the compiler's recursion.
        if (NestingDepth.Check(sources.Files) is { } tooDeep)
        {
            var empty = CSharpCompilation.Create(sources.AssemblyName, [], references, BuildSettings.CompilationOptions);
            return new AssemblyCompileResult(sources.AssemblyName, null, [tooDeep], [], empty, empty, []);
        }
        var trees = Trees(sources);
        var compilation = Create(sources, trees, references);
        // Roslyn does not watch its cancellation token while it binds nested lambdas, so that case is refused up front.
        if ((LambdaNesting.Check(trees, () => references) ?? ConstantFolding.Check(trees)) is { } unbounded)
            return new AssemblyCompileResult(sources.AssemblyName, null, [unbounded], [], compilation, compilation, []);
        ImmutableArray<Diagnostic> diagnostics;
        CompiledAssembly? assembly;
        try
        {
            (assembly, diagnostics) = Emit(compilation, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // What the compiler does with the student's code is the student's: a compiler that fails on it is a compile
            // error of the submission, never a grader error that stops a grade (or a batch's row).
            return new AssemblyCompileResult(sources.AssemblyName, null, [CompilerFailed(e)], [], compilation, compilation, []);
        }
        return new AssemblyCompileResult(sources.AssemblyName, assembly, Reported(diagnostics, compilation, warnings: true), [], compilation, compilation,
            [.. diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Location)]);
    }

    static CompileDiagnostic CompilerFailed(Exception e) =>
        new(null, 0, 0, CompileSeverity.Error, "COURSE0003",
            $"the C# compiler failed on this code ({e.GetType().Name}: {e.Message}); simplify what it was compiling, or ask your instructor");

    static AssemblyCompileResult CompileTestSuite(AssemblySources sources, IReadOnlyList<MetadataReference> references, CancellationToken cancellationToken)
    {
        var log = new IsolationLog();
        IReadOnlyList<SyntaxTree> trees = Trees(sources);
        (CSharpCompilation Compilation, List<Location> Errors)? original = null;
        for (var round = 0; ; round++)
        {
            var compilation = Create(sources, trees, references);
            var (assembly, diagnostics) = Emit(compilation, cancellationToken);
            var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            original ??= (compilation, errors.Select(e => e.Location).ToList());
            var isolated = assembly is null && round < MaxIsolationRounds ? TestCodeIsolation.Isolate(trees, errors, compilation, log) : null;
            if (isolated is null)
                return new AssemblyCompileResult(sources.AssemblyName, assembly, Reported(diagnostics, compilation, warnings: false), log.Members, compilation,
                    original.Value.Compilation, original.Value.Errors);
            trees = isolated;
        }
    }

    static List<SyntaxTree> Trees(AssemblySources sources) =>
        [.. sources.Files.Select(BuildSettings.Parse), BuildSettings.GeneratedTree(sources.GlobalUsings ?? [])];

    static CSharpCompilation Create(AssemblySources sources, IEnumerable<SyntaxTree> trees, IEnumerable<MetadataReference> references) =>
        CSharpCompilation.Create(sources.AssemblyName, trees, references, BuildSettings.CompilationOptions);

    static (CompiledAssembly? Assembly, ImmutableArray<Diagnostic> Diagnostics) Emit(CSharpCompilation compilation, CancellationToken cancellationToken)
    {
        using var image = new MemoryStream();
        using var symbols = new MemoryStream();
        var name = compilation.AssemblyName!;
        var result = compilation.Emit(image, symbols, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb, pdbFilePath: name + ".pdb"),
            cancellationToken: cancellationToken);
        return (result.Success ? new CompiledAssembly(name, image.ToArray(), symbols.ToArray()) : null, result.Diagnostics);
    }

    /// <summary>Errors, and warnings when asked (the student's, not the test authors'), in file and line order.</summary>
    static List<CompileDiagnostic> Reported(IEnumerable<Diagnostic> diagnostics, Compilation compilation, bool warnings) =>
        diagnostics
            .Where(d => !d.IsSuppressed && (d.Severity == DiagnosticSeverity.Error || (warnings && d.Severity == DiagnosticSeverity.Warning)))
            .Select(d => CompileDiagnostic.From(d, compilation))
            .OrderBy(d => d.File ?? "", StringComparer.Ordinal).ThenBy(d => d.Line).ThenBy(d => d.Column)
            .ToList();
}
