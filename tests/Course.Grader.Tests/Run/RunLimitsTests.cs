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
            "timed out: blocked or sleeping for 2 s (a deadlock, a wait that never ends, Thread.Sleep?) in the setup or teardown of " +
            "Tiny.Homework.Tests.A_HangingSetup (in Tiny.Homework.Tests.A_HangingSetup, before or after this test)"));
        Assert.That(run.WorkerStarts, Is.EqualTo(2));
    }

    [Test]
    public async Task Given_tests_that_wait_forever_without_using_the_CPU_Then_each_is_stopped_as_blocked_and_the_next_one_runs()
    {
        var run = await TinyHomework.RunAsync(Homework, """
            using System.Threading;
            using System.Threading.Tasks;
            using NUnit.Framework;

            namespace Tiny.Homework.Tests;

            public class WaitingTests
            {
                [Test] public void A_WaitsForATaskThatNeverCompletes() => new TaskCompletionSource().Task.Wait();

                [Test]
                public void B_Deadlocks()
                {
                    var first = new object();
                    var second = new object();
                    using var holdsSecond = new ManualResetEventSlim();
                    var other = new Thread(() => { lock (second) { holdsSecond.Set(); lock (first) { } } }) { IsBackground = true };
                    lock (first)
                    {
                        other.Start();
                        holdsSecond.Wait();
                        lock (second) { }
                    }
                }

                [Test] public void C_Passes() { }
            }
            """, new RunLimits(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60), 2048));

        const string Blocked = "timed out: blocked or sleeping for 2 s (a deadlock, a wait that never ends, Thread.Sleep?)";
        Assert.That(run.Tests.Select(t => (t.Test.Name, t.Outcome, t.Message)), Is.EqualTo(new[]
        {
            ("A_WaitsForATaskThatNeverCompletes", TestOutcome.Failed, Blocked),
            ("B_Deadlocks", TestOutcome.Failed, Blocked),
            ("C_Passes", TestOutcome.Passed, ""),
        }));
        Assert.That(run.Tests.Take(2).Select(t => t.DurationSeconds), Has.All.InRange(2, 30), "stopped soon after 2 s idle, not at the total limit");
        Assert.That(run.WorkerStarts, Is.EqualTo(3));
    }

    [Test]
    public async Task Given_a_machine_busy_with_CPU_hogs_Then_a_test_that_needs_less_CPU_time_than_its_limit_passes_though_it_takes_longer_in_wall_time()
    {
        // The test needs 0.5 s of CPU time against a limit of 1.5 s. It tells the grader's test (through its home
        // folder, the run's scratch folder) when it starts, and waits for threads that keep every CPU busy four times over.
        using var folder = new Pipeline.TempFolder();
        var runFolder = Path.Combine(folder.Path, "run");
        var scratch = Path.Combine(runFolder, RunFolder.ScratchFolder);
        using var stopHogs = new CancellationTokenSource();
        var hogs = new List<Thread>();
        var running = TinyHomework.RunAsync(Homework, """
            using System;
            using System.IO;
            using System.Threading;
            using NUnit.Framework;

            namespace Tiny.Homework.Tests;

            public class UnderLoad
            {
                [Test]
                public void NeedsHalfASecondOfCpuTime()
                {
                    var home = Environment.GetEnvironmentVariable("HOME")!;
                    File.WriteAllText(Path.Combine(home, "started"), "");
                    for (var waited = 0; !File.Exists(Path.Combine(home, "hogging")) && waited < 30_000; waited += 10) Thread.Sleep(10);
                    var start = Environment.CpuUsage.TotalTime;
                    var spins = 0L;
                    while (Environment.CpuUsage.TotalTime - start < TimeSpan.FromSeconds(0.5)) spins++;
                    Assert.That(spins, Is.Positive);
                }
            }
            """, new RunLimits(TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(60), 2048), request => request with { WorkDirectory = runFolder });
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(scratch, "started")) && !running.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(10);
            for (var i = 0; i < 4 * Environment.ProcessorCount; i++)
            {
                var hog = new Thread(() => { while (!stopHogs.IsCancellationRequested) { } }) { IsBackground = true };
                hog.Start();
                hogs.Add(hog);
            }
            if (Directory.Exists(scratch)) await File.WriteAllTextAsync(Path.Combine(scratch, "hogging"), "");
            var run = await running;

            var result = run.Single("NeedsHalfASecondOfCpuTime");
            Assert.That((result.Outcome, result.Message), Is.EqualTo((TestOutcome.Passed, "")));
            Assert.That(result.DurationSeconds, Is.GreaterThan(1.5), "the hogs slowed it past its limit in wall time, where a wall-clock limit would have stopped it");
        }
        finally
        {
            stopHogs.Cancel();
            foreach (var hog in hogs) hog.Join();
        }
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
        Assert.That(run.Single("C_NeverReached").Outcome, Is.EqualTo(TestOutcome.Error));
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
