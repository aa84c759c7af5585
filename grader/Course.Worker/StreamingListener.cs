using System.Collections.Concurrent;
using System.Text;
using Course.Grader.Run;
using NUnit.Framework.Interfaces;

namespace Course.Worker;

/// <summary>Sends a line when a test or suite starts and one result line per finished test case.</summary>
sealed class StreamingListener(ProtocolWriter protocol, string suite, ResultExceptionGuard guard) : ITestListener
{
    /// <summary>Output NUnit sends as events (stderr, progress) rather than into the result, by test id.</summary>
    readonly ConcurrentDictionary<string, StringBuilder> eventOutput = new(StringComparer.Ordinal);

    public void TestStarted(ITest test)
    {
        if (!test.IsSuite) guard.Reset();
        protocol.Send(new StartMessage(test.FullName, test.IsSuite));
    }

    public void TestFinished(ITestResult result)
    {
        if (result.Test.IsSuite)
        {
            protocol.Send(new SuiteEndMessage(result.Test.FullName));
            return;
        }
        eventOutput.TryRemove(result.Test.Id, out var events);
        var tampering = guard.Tampering(result.ResultState);
        var outcome = tampering is null ? OutcomeOf(result.ResultState) : TestOutcome.Failed;
        protocol.Send(new ResultMessage(new TestCaseResult(
            TestCaseDescriber.Describe(result.Test, suite),
            outcome,
            outcome == TestOutcome.Passed ? "" : TextLimits.Cut(tampering ?? result.Message, TextLimits.MaxMessageChars),
            outcome == TestOutcome.Passed ? "" : TextLimits.StackTrace(result.StackTrace),
            result.Duration,
            TextLimits.Cut(result.Output + events, TextLimits.MaxOutputChars))));
    }

    public void TestOutput(TestOutput output)
    {
        if (output.TestId is not { Length: > 0 } id) return;
        var buffer = eventOutput.GetOrAdd(id, _ => new StringBuilder());
        lock (buffer)
        {
            if (buffer.Length <= TextLimits.MaxOutputChars) buffer.Append(output.Text);
        }
    }

    public void SendMessage(TestMessage message)
    {
    }

    static TestOutcome OutcomeOf(ResultState state) => state.Status switch
    {
        TestStatus.Passed or TestStatus.Warning => TestOutcome.Passed,
        TestStatus.Skipped or TestStatus.Inconclusive => TestOutcome.Skipped,
        _ when state.Label is "Error" or "Invalid" or "Cancelled" => TestOutcome.Error,
        _ => TestOutcome.Failed,
    };
}
