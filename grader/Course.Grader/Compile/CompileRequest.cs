namespace Course.Grader.Compile;

/// <summary>
/// What to compile: the homework from the student's files, then each test suite against it.
/// </summary>
/// <param name="LibraryPaths">The package and project assemblies the homework and tests build against
/// (TorchSharp, NUnit, Course.Testing): the ones the test worker runs with, see <c>WorkerLocation.LibraryAssemblies</c>.</param>
public sealed record CompileRequest(AssemblySources Homework, IReadOnlyList<AssemblySources> TestSuites, IReadOnlyList<string> LibraryPaths);
