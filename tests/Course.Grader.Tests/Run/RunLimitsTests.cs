using Course.Grader.Run;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Run;

public class RunLimitsTests
{
    const string Homework = "namespace Tiny.Homework; public static class Nothing { }";

    [Test]
    public async Task Given_a_fixture_whose_setup_hangs_Then_its_tests_fail_as_timed_out_and_other_fixtures_still_run()
    {
        var run = await TinyHomework.RunAsync(Homework, """
            using System.Threading;
            using Course.Testing;
            using NUnit.Framework;

            namespace Tiny.Homework.Tests;

            public class A_HangingSetup
            {
                [OneTimeSetUp]
                public void Hang() => Thread.Sleep(Timeout.Infinite);

                [Test, Points(1)] public void First() { }
                [Test, Points(1)] public void Second() { }
            }

            public class B_Healthy
            {
                [Test] public void Passes() { }
            }
            """, new RunLimits(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60), 2048));

        Assert.That(run.Tests.Select(t => (t.Test.Name, t.Outcome)), Is.EqualTo(new[]
        {
            ("First", TestOutcome.Failed), ("Second", TestOutcome.Failed), ("Passes", TestOutcome.Passed),
        }));
        Assert.That(run.Single("First").Message, Is.EqualTo(
            "timed out after 2 s in the setup or teardown of Tiny.Homework.Tests.A_HangingSetup (in Tiny.Homework.Tests.A_HangingSetup, before or after this test)"));
        Assert.That(run.WorkerStarts, Is.EqualTo(2));
    }

    [Test]
    public async Task Given_a_run_past_the_total_time_limit_Then_the_running_test_is_stopped_and_the_rest_are_not_run()
    {
        var run = await TinyHomework.RunAsync(Homework, """
            using System.Threading;
            using NUnit.Framework;

            namespace Tiny.Homework.Tests;

            public class SlowTests
            {
                [Test] public void A_Quick() { }
                [Test] public void B_Slow() => Thread.Sleep(30_000);
                [Test] public void C_NeverReached() { }
            }
            """, new RunLimits(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(4), 2048));

        Assert.That(run.Single("A_Quick").Outcome, Is.EqualTo(TestOutcome.Passed));
        Assert.That(run.Single("B_Slow").Message, Is.EqualTo("the tests ran past the total time limit of 4 s"));
        Assert.That(run.Single("C_NeverReached").Message, Is.EqualTo("not run: the tests ran past the total time limit of 4 s"));
        Assert.That(run.Single("C_NeverReached").Outcome, Is.EqualTo(TestOutcome.Failed));
        Assert.That(run.WorkerStarts, Is.EqualTo(1));
        Assert.That(run.DurationSeconds, Is.LessThan(10));
    }

    [Test]
    public async Task Given_a_test_case_source_that_throws_Then_its_method_is_one_errored_case_and_the_other_tests_run()
    {
        var run = await TinyHomework.RunAsync(Homework, """
            using System;
            using System.Collections.Generic;
            using NUnit.Framework;

            namespace Tiny.Homework.Tests;

            public class SourceTests
            {
                static IEnumerable<int> Cases() => throw new InvalidOperationException("no cases");

                [TestCaseSource(nameof(Cases))]
                public void Case(int n) { }

                [Test] public void Other() { }
            }
            """, new RunLimits(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(60), 2048));

        Assert.That(run.Single("Other").Outcome, Is.EqualTo(TestOutcome.Passed));
        var source = run.Single("Case()");
        Assert.That(source.Outcome, Is.EqualTo(TestOutcome.Error));
        Assert.That(source.Message, Does.Contain("no cases"));
    }
}
