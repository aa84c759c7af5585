using Course.Grader.Run;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Run;

/// <summary>
/// Only NUnit's own Assert may end a test as passed, ignored or inconclusive: its result exceptions thrown from anywhere
/// else fail the test, however they got there. (Homework code cannot name them at all; this holds even for code that can.)
/// </summary>
public class ResultExceptionGuardTests
{
    const string Homework = """
        namespace Tiny.Homework;

        public static class Callback
        {
            public static void Run(System.Action action) => action();
        }
        """;

    const string Tests = """
        using NUnit.Framework;
        using Tiny.Homework;

        namespace Tiny.Homework.Tests;

        public class GuardTests
        {
            [Test]
            public void A_AssertPass_Passes() => Assert.Pass("fine");

            [Test]
            public void B_ThrownSuccess_Fails() => throw new SuccessException("forged");

            [Test]
            public void C_ThrownIgnore_Fails() => throw new IgnoreException("skip me");

            [Test]
            public void D_ThrownInconclusive_Fails() => throw new InconclusiveException("who knows");

            [Test]
            public void E_SuccessThroughHomework_Fails() => Callback.Run(() => throw new SuccessException("via a callback"));

            [Test]
            public void F_AssertPassThroughHomework_Passes() => Callback.Run(() => Assert.Pass());

            [Test]
            public void G_ForgedThenPlainPass_Passes() => Assert.That(1, Is.EqualTo(1));
        }
        """;

    static readonly Lazy<Task<RunResult>> Run = new(() =>
        TinyHomework.RunAsync(Homework, Tests, new RunLimits(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(60), 2048)));

    [TestCase("A_AssertPass_Passes", TestOutcome.Passed)]
    [TestCase("F_AssertPassThroughHomework_Passes", TestOutcome.Passed)]
    [TestCase("G_ForgedThenPlainPass_Passes", TestOutcome.Passed)]
    [TestCase("B_ThrownSuccess_Fails", TestOutcome.Failed)]
    [TestCase("C_ThrownIgnore_Fails", TestOutcome.Failed)]
    [TestCase("D_ThrownInconclusive_Fails", TestOutcome.Failed)]
    [TestCase("E_SuccessThroughHomework_Fails", TestOutcome.Failed)]
    public async Task Given_a_result_exception_When_the_test_ends_Then_only_NUnits_own_Assert_counts(string test, TestOutcome outcome)
    {
        var result = (await Run.Value).Single(test);

        Assert.That(result.Outcome, Is.EqualTo(outcome), result.Message);
        if (outcome == TestOutcome.Failed)
            Assert.That(result.Message, Does.StartWith("NUnit's ").And.Contain("was thrown by Tiny.Homework.Tests.GuardTests").And.EndWith("only the tests may end a test as passed, ignored or inconclusive"));
    }
}
