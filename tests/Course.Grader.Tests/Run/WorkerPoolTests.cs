using Course.Grader.Run;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Run;

/// <summary>
/// Runs that take turns in warm workers (<see cref="WorkerPool"/>, for <c>course validate</c>): each sees its own code,
/// is limited and charged as a run of its own, and a worker that a run took down is never used again.
/// </summary>
[NonParallelizable]
public class WorkerPoolTests
{
    const string Tests = """
        using Course.Testing;
        using NUnit.Framework;
        using Tiny.Homework;

        namespace Tiny.Homework.Tests;

        public class AnswerTests
        {
            [Test, Points(1)]
            public void Answer_IsOne() => Assert.That(Answer.Value, Is.EqualTo(1));
        }
        """;

    static readonly RunLimits Limits = new(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(120), 2048);

    static string Homework(int value) => $"namespace Tiny.Homework; public static class Answer {{ public static int Value => {value}; }}";

    static Func<RunRequest, RunRequest> In(WorkerPool pool) => request => request with { Pool = pool };

    [Test]
    public async Task Given_versions_of_a_homework_run_in_turn_in_a_pool_Then_one_warm_worker_serves_them_and_each_run_sees_its_own_code()
    {
        using var pool = new WorkerPool(TinyHomework.Worker.Value);

        var first = await TinyHomework.RunAsync(Homework(1), Tests, Limits, In(pool));
        var second = await TinyHomework.RunAsync(Homework(2), Tests, Limits, In(pool));
        var third = await TinyHomework.RunAsync(Homework(1), Tests, Limits, In(pool));

        Assert.That(first.Single("Answer_IsOne").Outcome, Is.EqualTo(TestOutcome.Passed));
        Assert.That(second.Single("Answer_IsOne").Outcome, Is.EqualTo(TestOutcome.Failed));
        Assert.That(second.Single("Answer_IsOne").Message, Does.Contain("Expected: 1").And.Contain("But was:  2"));
        Assert.That(third.Single("Answer_IsOne").Outcome, Is.EqualTo(TestOutcome.Passed), "the second run's homework stays in the second run");
        Assert.That(pool.Started, Is.EqualTo(1));
        Assert.That(new[] { first, second, third }.Select(r => r.Incidents.Count), Is.All.EqualTo(0));
    }

    [Test]
    public async Task Given_a_run_in_a_pool_Then_its_sandbox_holds_the_layers_a_run_of_its_own_has()
    {
        using var pool = new WorkerPool(TinyHomework.Worker.Value);

        var own = await TinyHomework.RunAsync(Homework(1), Tests, Limits);
        await TinyHomework.RunAsync(Homework(1), Tests, Limits, In(pool));
        var warm = await TinyHomework.RunAsync(Homework(1), Tests, Limits, In(pool));

        Assert.That(warm.Sandbox.Select(l => (l.Name, l.Active)), Is.EqualTo(own.Sandbox.Select(l => (l.Name, l.Active))));
        Assert.That(pool.Started, Is.EqualTo(1));
    }

    [Test]
    public async Task Given_a_run_that_takes_its_warm_worker_down_Then_its_tests_are_accounted_for_and_a_new_worker_serves_what_comes_after()
    {
        const string exits = """
            using System;
            using Course.Testing;
            using NUnit.Framework;
            using Tiny.Homework;

            namespace Tiny.Homework.Tests;

            public class ExitTests
            {
                [Test, Points(1)]
                public void A_Passes() => Assert.That(Answer.Value, Is.EqualTo(1));

                [Test, Points(1)]
                public void B_CallsEnvironmentExit() => Environment.Exit(3);

                [Test, Points(1)]
                public void C_PassesAfterAll() => Assert.That(Answer.Value, Is.EqualTo(1));
            }
            """;
        using var pool = new WorkerPool(TinyHomework.Worker.Value);
        await TinyHomework.RunAsync(Homework(1), Tests, Limits, In(pool));

        var run = await TinyHomework.RunAsync(Homework(1), exits, Limits, In(pool));
        var after = await TinyHomework.RunAsync(Homework(1), Tests, Limits, In(pool));

        Assert.That(run.Single("A_Passes").Outcome, Is.EqualTo(TestOutcome.Passed));
        Assert.That(run.Single("B_CallsEnvironmentExit").Message, Is.EqualTo("the test called Environment.Exit(3), which ended the test process"));
        Assert.That(run.Single("C_PassesAfterAll").Outcome, Is.EqualTo(TestOutcome.Passed));
        Assert.That(run.WorkerStarts, Is.EqualTo(2));
        Assert.That(after.Single("Answer_IsOne").Outcome, Is.EqualTo(TestOutcome.Passed));
        Assert.That(pool.Started, Is.EqualTo(2), "the worker that exited is not used again; the one that finished the run is");
    }

    [Test]
    public async Task Given_a_warm_worker_that_spent_cpu_time_on_an_earlier_run_Then_a_run_is_charged_only_its_own()
    {
        const string spins = """
            using System.Diagnostics;
            using Course.Testing;
            using NUnit.Framework;

            namespace Tiny.Homework.Tests;

            public class SpinTests
            {
                [Test, Points(1)]
                public void SpinsFourSeconds()
                {
                    var clock = Stopwatch.StartNew();
                    while (clock.Elapsed.TotalSeconds < 4) { }
                }
            }
            """;
        using var pool = new WorkerPool(TinyHomework.Worker.Value);
        var spun = await TinyHomework.RunAsync(Homework(1), spins, Limits, In(pool));

        var run = await TinyHomework.RunAsync(Homework(1), Tests, Limits with { TotalTimeout = TimeSpan.FromSeconds(3) }, In(pool));

        Assert.That(spun.Single("SpinsFourSeconds").Outcome, Is.EqualTo(TestOutcome.Passed));
        Assert.That(run.Single("Answer_IsOne").Outcome, Is.EqualTo(TestOutcome.Passed), () => run.Single("Answer_IsOne").Message);
        Assert.That(run.Incidents, Is.Empty, "the worker's earlier CPU time is not charged to this run");
        Assert.That(pool.Started, Is.EqualTo(1));
    }

    [Test]
    public async Task Given_an_infinite_loop_in_a_warm_worker_Then_it_times_out_and_the_worker_is_not_used_again()
    {
        const string loops = """
            using Course.Testing;
            using NUnit.Framework;

            namespace Tiny.Homework.Tests;

            public class LoopTests
            {
                [Test, Points(1)]
                public void LoopsForever()
                {
                    while (true) { }
                }
            }
            """;
        using var pool = new WorkerPool(TinyHomework.Worker.Value);
        await TinyHomework.RunAsync(Homework(1), Tests, Limits, In(pool));

        var run = await TinyHomework.RunAsync(Homework(1), loops, Limits with { TestTimeout = TimeSpan.FromSeconds(2) }, In(pool));
        var after = await TinyHomework.RunAsync(Homework(1), Tests, Limits, In(pool));

        Assert.That(run.Single("LoopsForever").Message, Is.EqualTo("timed out after 2 s of CPU time"));
        Assert.That(after.Single("Answer_IsOne").Outcome, Is.EqualTo(TestOutcome.Passed));
        Assert.That(pool.Started, Is.EqualTo(2));
    }

    [Test]
    [Platform(Include = "Linux", Reason = "Landlock")]
    public async Task Given_a_run_in_a_pool_Then_its_tests_write_only_their_workers_scratch_folder()
    {
        const string writes = """
            using System;
            using System.IO;
            using Course.Testing;
            using NUnit.Framework;

            namespace Tiny.Homework.Tests;

            public class WriteTests
            {
                [Test]
                public void IntoTheRunFolder() =>
                    Assert.Throws<UnauthorizedAccessException>(() => File.WriteAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "planted.txt"), "x"));

                [Test]
                public void IntoThePoolsFolder() =>
                    Assert.Throws<UnauthorizedAccessException>(() => File.WriteAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "planted.txt"), "x"));

                [Test]
                public void IntoTheTemporaryFolder() => File.WriteAllText(Path.Combine(Path.GetTempPath(), "allowed.txt"), "x");
            }
            """;
        using var pool = new WorkerPool(TinyHomework.Worker.Value);

        var run = await TinyHomework.RunAsync(Homework(1), writes, Limits, In(pool));

        if (KernelFeatures.LandlockAbi == 0)
        {
            // As in SandboxAttackTests: where the kernel lacks the layer, the writes succeed and the report must say so.
            Assert.That(run.Sandbox.Single(l => l.Name == Course.Grader.Sandbox.SandboxLayerNames.LandlockFilesystem).Active, Is.False);
            return;
        }
        Assert.That(run.Tests, Has.Count.EqualTo(3).And.All.Matches<TestCaseResult>(t => t!.Passed),
            () => string.Join("\n", run.Tests.Select(t => $"{t.Test.Name}: {t.Outcome} {t.Message}")));
        Assert.That(Directory.EnumerateFiles(pool.Root, "planted.txt", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    [Platform(Include = "Linux", Reason = "reads /proc")]
    public async Task Given_a_pool_When_disposed_Then_its_idle_workers_are_gone_with_its_folder()
    {
        var pool = new WorkerPool(TinyHomework.Worker.Value);
        var root = pool.Root;
        await Task.WhenAll(
            TinyHomework.RunAsync(Homework(1), Tests, Limits, In(pool)),
            TinyHomework.RunAsync(Homework(1), Tests, Limits, In(pool)));
        Assert.That(KernelFeatures.ProcessesWith(root), Has.Count.EqualTo(pool.Started), "every worker the pool started waits idle");

        pool.Dispose();

        Assert.That(KernelFeatures.ProcessesWith(root), Is.Empty);
        Assert.That(Directory.Exists(root), Is.False);
    }

    [Test]
    [Platform(Include = "Linux", Reason = "reads /proc")]
    public async Task Given_a_grades_own_pool_When_its_run_completes_Then_its_worker_is_stopped_at_once_with_the_thread_the_run_left_going()
    {
        const string leavesAThread = """
            using System.Threading;
            using Course.Testing;
            using NUnit.Framework;
            using Tiny.Homework;

            namespace Tiny.Homework.Tests;

            public class ThreadTests
            {
                [Test, Points(1)]
                public void Answer_IsOne_AndAThreadGoesOn()
                {
                    new Thread(() => { while (true) Thread.Sleep(20); }) { IsBackground = true }.Start();
                    Assert.That(Answer.Value, Is.EqualTo(1));
                }
            }
            """;
        using var pool = await WorkerPool.ForOneGradeAsync(TinyHomework.Worker.Value);
        Assert.That(KernelFeatures.ProcessesWith(pool.Root), Has.Count.EqualTo(1), "the worker started early waits for the grade's run");

        var run = await TinyHomework.RunAsync(Homework(1), leavesAThread, Limits, In(pool));

        Assert.That(run.Single("Answer_IsOne_AndAThreadGoesOn").Passed, Is.True, run.Single("Answer_IsOne_AndAThreadGoesOn").Message);
        Assert.That(KernelFeatures.ProcessesWith(pool.Root), Is.Empty, "no worker of the grade is left for its scoring, which nothing watches");
        Assert.That(pool.Started, Is.EqualTo(1));
    }

    [Test]
    public async Task Given_a_run_that_leaves_autograd_off_Then_a_later_run_in_the_same_warm_worker_inherits_it_which_is_why_grades_never_share_one()
    {
        // A plain fixture: TorchTest turns autograd back on before each test, but nothing resets every state a run can
        // leave in its process (grad mode outside TorchTest is the one shown here).
        const string backprops = """
            using Course.Testing;
            using NUnit.Framework;
            using Tiny.Homework;
            using static TorchSharp.torch;

            namespace Tiny.Homework.Tests;

            public class GradTests
            {
                [Test, Points(1)]
                public void Backprop_Works()
                {
                    Answer.Touch();
                    var x = ones(2, requires_grad: true);
                    (x * x).sum().backward();
                    Assert.That(x.grad, Is.Not.Null);
                }
            }
            """;
        static string Touching(string body) => $"namespace Tiny.Homework; public static class Answer {{ public static void Touch() {{ {body} }} }}";
        using var pool = new WorkerPool(TinyHomework.Worker.Value);

        var attacker = await TinyHomework.RunAsync(Touching("TorchSharp.torch.no_grad();"), backprops, Limits, In(pool));
        var next = await TinyHomework.RunAsync(Touching(""), backprops, Limits, In(pool));
        var own = await TinyHomework.RunAsync(Touching(""), backprops, Limits);

        Assert.That(attacker.Single("Backprop_Works").Passed, Is.False);
        Assert.That(next.Single("Backprop_Works").Passed, Is.False, "the warm worker kept the first run's grad mode");
        Assert.That(own.Single("Backprop_Works").Passed, Is.True, own.Single("Backprop_Works").Message);
        Assert.That(pool.Started, Is.EqualTo(1));
    }

    [Test]
    public void Given_a_grade_request_Then_it_has_no_way_to_name_a_pool_so_every_grade_gets_a_worker_of_its_own() =>
        Assert.That(typeof(Course.Grader.Pipeline.GradeRequest).GetProperties().Select(p => p.PropertyType), Has.None.EqualTo(typeof(WorkerPool)));
}
