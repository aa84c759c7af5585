using Course.Grader.Compile;

namespace Course.Grader.Run;

/// <summary>A test suite ready to run: its compiled assembly and the folder of golden files its tests open, if any.</summary>
public sealed record TestSuiteBinary(CompiledAssembly Assembly, string? GoldenDirectory);

/// <summary>What to run: the compiled homework and test suites, under limits, in the given worker.</summary>
/// <param name="WorkDirectory">Where to lay out the run folder, which must not exist yet or be empty; null: a temporary folder, deleted afterwards.</param>
public sealed record RunRequest(
    CompiledAssembly Homework,
    IReadOnlyList<TestSuiteBinary> TestSuites,
    RunLimits Limits,
    WorkerLocation Worker,
    string? WorkDirectory = null)
{
    /// <summary>
    /// Worker layers to leave out (names from <see cref="Sandbox.SandboxLayerNames"/>; only seccomp can be):
    /// the grader's tests use it to show what the layers beneath hold where a platform lacks one. Never set in grading.
    /// </summary>
    internal IReadOnlyList<string> SandboxWithout { get; init; } = [];

    /// <summary>
    /// When not empty, the only tests to run: full names, or prefixes that end before a '.' or '(' (a fixture, a method's
    /// cases). For checks that need a few tests of a suite (a mutant against the test that must catch it), never a grade.
    /// </summary>
    public IReadOnlyList<string> Only { get; init; } = [];

    /// <summary>
    /// Tests to run after all the others (names as <see cref="Only"/> takes them): those that see what a student may not, the
    /// hidden tests and the public goldens' hidden replays. State they leave in the process (a field of an object a test
    /// keeps, a mode of the thread) then reaches only tests whose messages a student does not read before the due date.
    /// </summary>
    public IReadOnlyList<string> Later { get; init; } = [];

    /// <summary>
    /// Workers started ahead of the run (see <see cref="WorkerPool"/>): warm ones shared by the TA's own code, or one grade's
    /// own; null: a worker started for this run. A pooled run lies in the pool's folder (<see cref="WorkDirectory"/> must be null).
    /// </summary>
    public WorkerPool? Pool { get; init; }

    /// <summary>The homework's given libraries (see <see cref="Compile.GivenLibraries"/>), laid beside the homework in the run folder.</summary>
    public IReadOnlyList<CompiledAssembly> GivenLibraries { get; init; } = [];
}
