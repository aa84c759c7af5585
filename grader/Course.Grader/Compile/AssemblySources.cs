namespace Course.Grader.Compile;

/// <summary>The sources of one assembly: the homework (e.g. Hw3.Attention) or a test suite (e.g. Hw3.Attention.Tests).</summary>
/// <param name="GlobalUsings">Namespaces the project file imports (&lt;Using Include=...&gt;) beyond the SDK's implicit usings.</param>
public sealed record AssemblySources(string AssemblyName, IReadOnlyList<SourceFile> Files, IReadOnlyList<string>? GlobalUsings = null);
