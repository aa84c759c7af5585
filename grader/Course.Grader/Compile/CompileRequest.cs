using Microsoft.CodeAnalysis;

namespace Course.Grader.Compile;

/// <summary>
/// What to compile: the homework from the student's files, then each test suite against it.
/// </summary>
/// <param name="LibraryPaths">The package and project assemblies the homework and tests build against
/// (TorchSharp, NUnit, Course.Testing): the ones the test worker runs with, see <c>WorkerLocation.LibraryAssemblies</c>.</param>
/// <param name="GivenLibraries">The homework's given libraries (<see cref="Compile.GivenLibraries"/>): the homework and the tests
/// compile against them too. Null: none.</param>
public sealed record CompileRequest(
    AssemblySources Homework, IReadOnlyList<AssemblySources> TestSuites, IReadOnlyList<string> LibraryPaths, IReadOnlyList<GivenLibrary>? GivenLibraries = null)
{
    /// <summary>What the homework compiles against: the framework, TorchSharp and its given libraries.</summary>
    internal IReadOnlyList<MetadataReference> HomeworkReferences =>
        [.. ReferenceCache.For(Compile.HomeworkReferences.Select(LibraryPaths)), .. Given];

    /// <summary>What the tests compile against besides the homework: the framework, every library and the given libraries.</summary>
    internal IReadOnlyList<MetadataReference> TestReferences => [.. ReferenceCache.For(LibraryPaths), .. Given];

    IEnumerable<MetadataReference> Given => (GivenLibraries ?? []).Select(library => library.Reference);
}
