using Course.Grader.Run;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Run;

/// <summary>
/// Every way a test can take the test process down, in one suite run under tight limits: each
/// becomes a failed result with a reason, and the tests after it still run in a new worker.
/// </summary>
public class MisbehavingSuiteTests
{
    const string Homework = """
        namespace Tiny.Homework;

        public static class Recursion
        {
            public static int Forever(int n) => Forever(n + 1) + 1;
        }
        """;

    // NUnit runs a fixture's tests in name order.
    const string Tests = """
        using System;
        using System.Collections.Generic;
        using Course.Testing;
        using NUnit.Framework;
        using Tiny.Homework;

        namespace Tiny.Homework.Tests;

        public class MisbehavingTests
        {
            [Test, Points(1)]
            public void A_Passes() => Assert.Pass();

            [Test, Points(1)]
            public void B_LoopsForever()
            {
                while (true) { }
            }

            [Test, Points(1)]
            public void C_CallsEnvironmentExit() => Environment.Exit(3);

            [Test, Points(1)]
            public void D_OverflowsTheStack() => Recursion.Forever(0);

            [Test, Points(1)]
            public void E_HogsMemory()
            {
                var hog = new List<byte[]>();
                while (true)
                {
                    var chunk = new byte[16 * 1024 * 1024];
                    Array.Fill(chunk, (byte)1);
                    hog.Add(chunk);
                }
            }

            [Test, Points(1)]
            public void F_FloodsStdout()
            {
                for (var i = 0; i < 200_000; i++) Console.WriteLine($"line {i} of a flood");
            }

            [Test, Points(1)]
            public void G_CrashesOnAnotherThread()
            {
                var thread = new System.Threading.Thread(() => throw new InvalidOperationException("boom from a thread"));
                thread.Start();
                thread.Join();
            }

            [Test, Points(1)]
            public void H_FailsFast() => Environment.FailFast("gave up");

            [Test, Points(1)]
            public void I_PassesAfterAll() => Assert.That(1 + 1, Is.EqualTo(2));

            [Test, Points(1)]
            public void J_PrintsAPairAcrossTheCut() => Console.Write(new string('x', 4095) + "\U0001F600 and more");
        }
        """;

    static readonly Lazy<Task<RunResult>> Run = new(() =>
        TinyHomework.RunAsync(Homework, Tests, new RunLimits(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(120), 500)));

    static async Task<TestCaseResult> Result(string name) => (await Run.Value).Single(name);

    [Test]
    public async Task Given_an_infinite_loop_Then_the_test_fails_as_timed_out()
    {
        var result = await Result("B_LoopsForever");

        Assert.That((result.Outcome, result.Message), Is.EqualTo((TestOutcome.Failed, "timed out after 3 s of CPU time")));
        // The limit is CPU time of the whole worker, whose other threads (the JIT, the GC) may run beside the loop, so
        // the loop's own wall time can fall a little short of 3 s, never far.
        Assert.That(result.DurationSeconds, Is.GreaterThanOrEqualTo(2.5));
        Assert.That(result.Test.Points, Is.EqualTo(1), "a stopped test keeps its points, so it still counts in the maximum");
    }

    [Test]
    public async Task Given_a_call_to_Environment_Exit_Then_the_test_fails_saying_so()
    {
        var result = await Result("C_CallsEnvironmentExit");

        Assert.That(result.Outcome, Is.EqualTo(TestOutcome.Failed));
        Assert.That(result.Message, Is.EqualTo("the test called Environment.Exit(3), which ended the test process"));
    }

    [Test]
    public async Task Given_infinite_recursion_Then_the_test_fails_as_a_stack_overflow_crash()
    {
        var result = await Result("D_OverflowsTheStack");

        Assert.That(result.Outcome, Is.EqualTo(TestOutcome.Failed));
        Assert.That(result.Message, Does.StartWith("the test process crashed (exit code 134): stack overflow"));
    }

    [Test]
    public async Task Given_a_memory_hog_Then_the_test_fails_for_exceeding_the_memory_limit()
    {
        var result = await Result("E_HogsMemory");

        Assert.That(result.Outcome, Is.EqualTo(TestOutcome.Failed));
        Assert.That(result.Message, Does.StartWith("exceeded the memory limit of 500 MB"));
    }

    [Test]
    public async Task Given_a_stdout_flood_Then_the_test_passes_with_its_output_cut_to_a_few_KB()
    {
        var result = await Result("F_FloodsStdout");

        Assert.That(result.Outcome, Is.EqualTo(TestOutcome.Passed));
        Assert.That(result.Output, Does.StartWith("line 0 of a flood").And.Contain("[cut: "));
        Assert.That(result.Output, Has.Length.LessThan(5 * 1024));
    }

    [Test]
    public async Task Given_output_whose_cut_falls_inside_an_emoji_Then_the_emoji_goes_whole_and_no_half_of_it_is_left()
    {
        var result = await Result("J_PrintsAPairAcrossTheCut");

        // 4,095 x's and the emoji's first half would make the 4,096 characters the worker keeps; alone, that half becomes U+FFFD.
        Assert.That(result.Output, Is.EqualTo(new string('x', 4095) + "\n… [cut: 11 more characters]"));
    }

    [Test]
    public async Task Given_an_uncaught_exception_on_another_thread_Then_the_test_fails_naming_the_exception()
    {
        var result = await Result("G_CrashesOnAnotherThread");

        Assert.That(result.Outcome, Is.EqualTo(TestOutcome.Failed));
        Assert.That(result.Message, Does.StartWith("the test process crashed").And.Contain("InvalidOperationException: boom from a thread"));
    }

    [Test]
    public async Task Given_a_call_to_Environment_FailFast_Then_the_test_fails_with_what_the_runtime_said()
    {
        var result = await Result("H_FailsFast");

        Assert.That(result.Outcome, Is.EqualTo(TestOutcome.Failed));
        Assert.That(result.Message, Is.EqualTo("the test process crashed (exit code 134): Process terminated. gave up"));
    }

    [Test]
    public async Task Given_every_kind_of_misbehaviour_Then_the_run_survives_and_accounts_for_every_test()
    {
        var run = await Run.Value;
        TestContext.Out.WriteLine(string.Join("\n", run.Incidents));

        Assert.That(run.Error, Is.Null);
        Assert.That(run.Tests.Select(t => t.Test.Name), Is.EqualTo(new[]
        {
            "A_Passes", "B_LoopsForever", "C_CallsEnvironmentExit", "D_OverflowsTheStack", "E_HogsMemory",
            "F_FloodsStdout", "G_CrashesOnAnotherThread", "H_FailsFast", "I_PassesAfterAll", "J_PrintsAPairAcrossTheCut",
        }));
        Assert.That(run.Single("A_Passes").Outcome, Is.EqualTo(TestOutcome.Passed));
        Assert.That(run.Single("I_PassesAfterAll").Outcome, Is.EqualTo(TestOutcome.Passed));
        Assert.That(run.WorkerStarts, Is.EqualTo(7), "one start, and a restart after each of the six tests that took the worker down");
        Assert.That(run.Incidents, Has.Count.EqualTo(6));
    }
}
