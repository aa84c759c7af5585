namespace Course.Grader.Compile;

/// <summary>The homework and every test suite compiled, or the reasons they did not.</summary>
/// <param name="TestSuites">Empty when the homework did not compile: there is nothing to test.</param>
public sealed record CompileResult(AssemblyCompileResult Homework, IReadOnlyList<AssemblyCompileResult> TestSuites)
{
    /// <summary>The homework as its test code sees it (<see cref="CompileStage.TestViewOf"/>); null when the homework did not compile.</summary>
    public string? TestView { get; init; }

    public bool Success => Homework.Success && TestSuites.All(suite => suite.Success);
}
