using Course.Grader.Run;
using Course.Grader.Sandbox;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Run;

/// <summary>
/// The layers beneath seccomp, on their own: with seccomp left out (as on an architecture the worker
/// has no syscall table for), a test can start processes, and then the process group, the limits that
/// count the group and the bounded waits must still hold. Landlock stays on. One run for all.
/// </summary>
[NonParallelizable]
[Platform(Include = "Linux", Reason = "the children are Linux commands (setsid) and the checks read /proc; elsewhere WellBehavedSuiteTests checks the report")]
public class SandboxWithoutSeccompTests
{
    const int MemoryMb = 700;
    static readonly string Tag = Random.Shared.NextInt64(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A unique argument per test: `sleep 3600.TAGn` is also a valid duration.</summary>
    static string Marker(int n) => $"3600.{Tag}{n}";

    static RunResult? run;

    static RunResult Run => run ?? throw new InvalidOperationException("the run did not happen");

    [OneTimeSetUp]
    public async Task RunWithoutSeccomp()
    {
        var compiled = TinyHomework.Compile("namespace Tiny.Homework; public static class Nothing { }", Tests());
        Assert.That(compiled.Success, Is.True);
        var request = new RunRequest(
            compiled.Homework.Assembly!,
            [.. compiled.TestSuites.Select(s => new TestSuiteBinary(s.Assembly!, GoldenDirectory: null))],
            new RunLimits(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(120), MemoryMb),
            TinyHomework.Worker.Value)
        {
            SandboxWithout = [SandboxLayerNames.Seccomp],
        };
        run = await RunStage.RunAsync(request);
    }

    [OneTimeTearDown]
    public void KillLeftovers()
    {
        // Only if a test below failed: never leave a stray process on the machine.
        foreach (var pid in Enumerable.Range(1, 6).SelectMany(n => KernelFeatures.ProcessesWith(Marker(n))))
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
            }
        }
    }

    // NUnit runs a fixture's tests in name order; A to C each take the worker down.
    static string Tests() => $$"""
        using System;
        using System.Diagnostics;
        using System.Threading;
        using NUnit.Framework;

        namespace Tiny.Homework.Tests;

        public class Children
        {
            static Process Start(string command, bool redirect = true) => Process.Start(new ProcessStartInfo("/bin/sh", new[] { "-c", command })
            {
                RedirectStandardInput = redirect, RedirectStandardOutput = redirect, RedirectStandardError = redirect,
            })!;

            [Test]
            public void A_ChildHoldsMemory()
            {
                // tail keeps every byte of a file without newlines.
                Start("tail /dev/zero; : {{Marker(1)}}");
                Thread.Sleep(60_000);
            }

            [Test]
            public void B_StartsTooManyProcesses()
            {
                for (var i = 0; i < 6; i++) Start("sleep {{Marker(2)}}");
                Thread.Sleep(60_000);
            }

            [Test]
            public void C_DetachedChildHoldsTheOutput_ThenTheWorkerExits()
            {
                // Its own session, so outside the group, and holding the grader's pipes: only the pipe sweep finds it.
                Start("exec setsid sleep {{Marker(3)}}", redirect: false);
                // Time for the child to call setsid; killed before that, it would still be in the group.
                Thread.Sleep(1000);
                Environment.Exit(0);
            }

            [Test]
            public void D_DetachesAGrandchild()
            {
                // A double fork into a new session: orphaned, it is re-parented to the worker, a child subreaper.
                var detacher = Start("setsid sh -c 'sleep {{Marker(4)}} > /dev/null 2>&1 &'");
                detacher.WaitForExit();
                Assert.That(detacher.ExitCode, Is.Zero);
            }

            [Test]
            public void E_LeavesAChildInTheGroup() => Start("sleep {{Marker(5)}}");

            [Test]
            public void F_PassesAfterAll() => Assert.Pass();
        }
        """;

    [Test]
    public void Given_seccomp_left_out_Then_the_report_says_so_and_landlock_still_holds()
    {
        TestContext.Out.WriteLine(string.Join("\n", Run.Sandbox));
        TestContext.Out.WriteLine(string.Join("\n", Run.Incidents));
        var seccomp = Run.Sandbox.Single(l => l.Name == SandboxLayerNames.Seccomp);
        Assert.That((seccomp.Active, seccomp.Detail), Is.EqualTo((false, "left out at the grader's request")));
        Assert.That(Run.Sandbox.Single(l => l.Name == SandboxLayerNames.LandlockFilesystem).Active, Is.EqualTo(KernelFeatures.LandlockAbi >= 1));
        Assert.That(Run.Sandbox.Single(l => l.Name == SandboxLayerNames.ProcessGroup).Detail, Does.Contain("without seccomp a child can leave the group with setsid"));
    }

    [Test]
    public void Given_a_child_that_holds_memory_Then_its_memory_counts_toward_the_limit()
    {
        var result = Run.Single("A_ChildHoldsMemory");

        Assert.That(result.Outcome, Is.EqualTo(TestOutcome.Failed));
        Assert.That(result.Message, Does.Match($@"^exceeded the memory limit of {MemoryMb} MB \(the test process and the [12] other processes in its group used \d+ MB\)$"));
        Assert.That(KernelFeatures.ProcessesWith(Marker(1)), Is.Empty);
    }

    [Test]
    public void Given_more_processes_than_the_limit_Then_the_test_fails_and_all_of_them_are_killed()
    {
        var result = Run.Single("B_StartsTooManyProcesses");

        Assert.That(result.Outcome, Is.EqualTo(TestOutcome.Failed));
        Assert.That(result.Message, Does.Match(@"^started more processes than allowed: \d+ in the test process's group, over the limit of 4 \(tests may not start processes\)$"));
        Assert.That(KernelFeatures.ProcessesWith(Marker(2)), Is.Empty);
    }

    [Test]
    public void Given_a_detached_child_holding_the_output_Then_the_grader_kills_it_instead_of_waiting_forever()
    {
        var result = Run.Single("C_DetachedChildHoldsTheOutput_ThenTheWorkerExits");

        Assert.That(result.Message, Is.EqualTo("the test called Environment.Exit(0), which ended the test process"));
        Assert.That(Run.Incidents, Has.One.StartsWith("1 process(es) outside the test process's group still held its output open after it ended; the grader killed them"));
        Assert.That(KernelFeatures.ProcessesWith(Marker(3)), Is.Empty);
    }

    [TestCase("D_DetachesAGrandchild", 4)]
    [TestCase("E_LeavesAChildInTheGroup", 5)]
    public void Given_a_process_left_behind_Then_it_does_not_outlive_the_run(string test, int marker)
    {
        Assert.That(Run.Single(test).Outcome, Is.EqualTo(TestOutcome.Passed), Run.Single(test).Message);
        Assert.That(KernelFeatures.ProcessesWith(Marker(marker)), Is.Empty);
    }

    [Test]
    public void Given_every_test_Then_the_run_accounts_for_each_in_bounded_time()
    {
        Assert.That(Run.Error, Is.Null);
        Assert.That(Run.Tests.Select(t => t.Test.Name), Is.EqualTo(new[]
        {
            "A_ChildHoldsMemory", "B_StartsTooManyProcesses", "C_DetachedChildHoldsTheOutput_ThenTheWorkerExits",
            "D_DetachesAGrandchild", "E_LeavesAChildInTheGroup", "F_PassesAfterAll",
        }));
        Assert.That(Run.Single("F_PassesAfterAll").Outcome, Is.EqualTo(TestOutcome.Passed));
        Assert.That(Run.WorkerStarts, Is.EqualTo(4), "one start, and a restart after each of A, B and C");
        Assert.That(Run.DurationSeconds, Is.LessThan(60));
    }
}
