using Microsoft.CodeAnalysis.CSharp;

namespace Course.Grader.Compile;

/// <summary>The outcome of compiling one assembly.</summary>
/// <param name="Assembly">Null when it did not compile.</param>
/// <param name="Diagnostics">Errors and warnings, in file and line order. Warnings never fail a grade.</param>
/// <param name="Isolated">For a test suite: the test code cut off because it did not compile against the homework.</param>
/// <param name="Compilation">The final Roslyn compilation, for the analyze stage.</param>
/// <param name="Unisolated">The compilation of the sources as written, before isolation cut anything: what the test code
/// binds to, place by place, for the binding check. The same as <paramref name="Compilation"/> when nothing was cut.</param>
/// <param name="UnisolatedErrors">Where <paramref name="Unisolated"/> has errors: the test code isolation cut.</param>
public sealed record AssemblyCompileResult(
    string AssemblyName,
    CompiledAssembly? Assembly,
    IReadOnlyList<CompileDiagnostic> Diagnostics,
    IReadOnlyList<IsolatedMember> Isolated,
    CSharpCompilation Compilation,
    CSharpCompilation Unisolated,
    IReadOnlyList<Microsoft.CodeAnalysis.Location> UnisolatedErrors)
{
    public bool Success => Assembly is not null;

    public IEnumerable<CompileDiagnostic> Errors => Diagnostics.Where(d => d.Severity == CompileSeverity.Error);
}
