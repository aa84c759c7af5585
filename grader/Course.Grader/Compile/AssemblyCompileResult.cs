using Microsoft.CodeAnalysis.CSharp;

namespace Course.Grader.Compile;

/// <summary>The outcome of compiling one assembly.</summary>
/// <param name="Assembly">Null when it did not compile.</param>
/// <param name="Diagnostics">Errors and warnings, in file and line order. Warnings never fail a grade.</param>
/// <param name="Isolated">For a test suite: the test code cut off because it did not compile against the homework.</param>
/// <param name="Compilation">The final Roslyn compilation, for the analyze stage.</param>
public sealed record AssemblyCompileResult(
    string AssemblyName,
    CompiledAssembly? Assembly,
    IReadOnlyList<CompileDiagnostic> Diagnostics,
    IReadOnlyList<IsolatedMember> Isolated,
    CSharpCompilation Compilation)
{
    public bool Success => Assembly is not null;

    public IEnumerable<CompileDiagnostic> Errors => Diagnostics.Where(d => d.Severity == CompileSeverity.Error);
}
