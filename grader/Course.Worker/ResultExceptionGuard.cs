using System.Diagnostics;
using NUnit.Framework;
using NUnit.Framework.Interfaces;

namespace Course.Worker;

/// <summary>
/// Only NUnit's own <c>Assert.Pass</c>, <c>Assert.Ignore</c>, <c>Assert.Inconclusive</c> and <c>Assume</c> may end a test
/// as passed, ignored or inconclusive. NUnit's result exceptions thrown from anywhere else (homework code cannot even
/// name them, but this holds whatever code does) are remembered, and the test counts as failed.
/// </summary>
sealed class ResultExceptionGuard
{
    static readonly System.Reflection.Assembly NUnitAssembly = typeof(Assert).Assembly;

    readonly Lock gate = new();
    string? thrownOutsideNUnit;

    public ResultExceptionGuard() => AppDomain.CurrentDomain.FirstChanceException += (_, e) => Observe(e.Exception);

    /// <summary>Forgets what the previous test threw; called as each test starts.</summary>
    public void Reset()
    {
        lock (gate) thrownOutsideNUnit = null;
    }

    /// <summary>Why the test that just ended may not pass, or null.</summary>
    public string? Tampering(ResultState state)
    {
        if (state.Status is not (TestStatus.Passed or TestStatus.Skipped or TestStatus.Inconclusive or TestStatus.Warning)) return null;
        lock (gate) return thrownOutsideNUnit;
    }

    void Observe(Exception exception)
    {
        if (exception is not ResultStateException || exception is AssertionException or MultipleAssertException) return;
        // At first chance the trace holds one frame: the method that threw.
        var thrower = new StackTrace(exception, fNeedFileInfo: false).GetFrame(0)?.GetMethod();
        if (thrower?.DeclaringType?.Assembly == NUnitAssembly) return;
        var where = thrower is null ? "unknown code" : $"{thrower.DeclaringType?.FullName}.{thrower.Name}";
        lock (gate)
            thrownOutsideNUnit ??= $"NUnit's {exception.GetType().Name} was thrown by {where}, not by NUnit's Assert, so this test cannot pass: " +
                                   "only the tests may end a test as passed, ignored or inconclusive";
    }
}
