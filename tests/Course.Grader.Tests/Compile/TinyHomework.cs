using Course.Grader.Compile;
using Course.Grader.Run;

namespace Course.Grader.Tests.Compile;

/// <summary>A one-file homework and a one-file test suite written inline, compiled against the real worker's libraries.</summary>
static class TinyHomework
{
    public const string HomeworkName = "Tiny.Homework";
    public const string TestsName = "Tiny.Homework.Tests";

    public static readonly Lazy<WorkerLocation> Worker = new(WorkerLocation.Default);

    public static CompileRequest Request(string homework, string tests) => new(
        new AssemblySources(HomeworkName, [new SourceFile("Tiny.Homework/Homework.cs", homework)]),
        [new AssemblySources(TestsName, [new SourceFile("Tiny.Homework.Tests/HomeworkTests.cs", tests)])],
        Worker.Value.LibraryAssemblies);

    public static CompileResult Compile(string homework, string tests) => CompileStage.Compile(Request(homework, tests));

    /// <summary>Compiles (which must succeed) and runs the tests in the worker.</summary>
    public static async Task<RunResult> RunAsync(string homework, string tests, RunLimits limits, Func<RunRequest, RunRequest>? adjust = null)
    {
        var compiled = Compile(homework, tests);
        Assert.That(compiled.Success, Is.True, () => string.Join("\n", compiled.TestSuites.SelectMany(s => s.Diagnostics).Concat(compiled.Homework.Diagnostics)));
        var request = new RunRequest(
            compiled.Homework.Assembly!,
            [.. compiled.TestSuites.Select(s => new TestSuiteBinary(s.Assembly!, GoldenDirectory: null))],
            limits,
            Worker.Value);
        return await RunStage.RunAsync(adjust is null ? request : adjust(request));
    }

    public static TestCaseResult Single(this RunResult run, string methodName) =>
        run.Tests.Single(t => t.Test.Name == methodName);
}
