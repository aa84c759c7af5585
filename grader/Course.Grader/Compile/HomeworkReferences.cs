namespace Course.Grader.Compile;

/// <summary>
/// The libraries homework code compiles against besides the framework: TorchSharp and the homework's given
/// libraries. Never NUnit, Course.Testing or the grader: a type homework code cannot name, it cannot throw, subclass
/// or call (NUnit's SuccessException, which passes a test; Course.Testing's golden reader, which holds the answers).
/// </summary>
static class HomeworkReferences
{
    static readonly HashSet<string> Libraries = new(StringComparer.Ordinal) { "TorchSharp" };

    /// <summary>The given paths of the libraries homework code may reference.</summary>
    public static IReadOnlyList<string> Select(IReadOnlyList<string> libraryPaths) =>
        libraryPaths.Where(path => Libraries.Contains(Path.GetFileNameWithoutExtension(path))).ToList();
}
