using System.Collections.Immutable;
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

    public static CompileResult Compile(CompileRequest request)
    {
        var references = ReferenceCache.For(request.LibraryPaths);
        var homework = CompileHomework(request.Homework, references);
        if (homework.Assembly is null) return new CompileResult(homework, []);
        IReadOnlyList<MetadataReference> withHomework = [.. references, MetadataReference.CreateFromImage(homework.Assembly.Image)];
        return new CompileResult(homework, request.TestSuites.Select(suite => CompileTestSuite(suite, withHomework)).ToList());
    }

    static AssemblyCompileResult CompileHomework(AssemblySources sources, IReadOnlyList<MetadataReference> references)
    {
        var compilation = Create(sources, Trees(sources), references);
        var (assembly, diagnostics) = Emit(compilation);
        return new AssemblyCompileResult(sources.AssemblyName, assembly, Reported(diagnostics, warnings: true), [], compilation);
    }

    static AssemblyCompileResult CompileTestSuite(AssemblySources sources, IReadOnlyList<MetadataReference> references)
    {
        var log = new IsolationLog();
        IReadOnlyList<SyntaxTree> trees = Trees(sources);
        for (var round = 0; ; round++)
        {
            var compilation = Create(sources, trees, references);
            var (assembly, diagnostics) = Emit(compilation);
            var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            var isolated = assembly is null && round < MaxIsolationRounds ? TestCodeIsolation.Isolate(trees, errors, log) : null;
            if (isolated is null)
                return new AssemblyCompileResult(sources.AssemblyName, assembly, Reported(diagnostics, warnings: false), log.Members, compilation);
            trees = isolated;
        }
    }

    static List<SyntaxTree> Trees(AssemblySources sources) =>
        [.. sources.Files.Select(BuildSettings.Parse), BuildSettings.GeneratedTree(sources.GlobalUsings ?? [])];

    static CSharpCompilation Create(AssemblySources sources, IEnumerable<SyntaxTree> trees, IEnumerable<MetadataReference> references) =>
        CSharpCompilation.Create(sources.AssemblyName, trees, references, BuildSettings.CompilationOptions);

    static (CompiledAssembly? Assembly, ImmutableArray<Diagnostic> Diagnostics) Emit(CSharpCompilation compilation)
    {
        using var image = new MemoryStream();
        using var symbols = new MemoryStream();
        var name = compilation.AssemblyName!;
        var result = compilation.Emit(image, symbols, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb, pdbFilePath: name + ".pdb"));
        return (result.Success ? new CompiledAssembly(name, image.ToArray(), symbols.ToArray()) : null, result.Diagnostics);
    }

    /// <summary>Errors, and warnings when asked (the student's, not the test authors'), in file and line order.</summary>
    static List<CompileDiagnostic> Reported(IEnumerable<Diagnostic> diagnostics, bool warnings) =>
        diagnostics
            .Where(d => !d.IsSuppressed && (d.Severity == DiagnosticSeverity.Error || (warnings && d.Severity == DiagnosticSeverity.Warning)))
            .Select(CompileDiagnostic.From)
            .OrderBy(d => d.File ?? "", StringComparer.Ordinal).ThenBy(d => d.Line).ThenBy(d => d.Column)
            .ToList();
}
