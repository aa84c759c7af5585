using Course.Grader.Run;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Run;

/// <summary>
/// libtorch's load (about half a second of CPU time) is paid before the first test, whether the worker was started for
/// its run or ahead of it by a grade (<see cref="WorkerPool.ForOneGradeAsync"/>), so no test's time limit pays for it and a
/// test near its limit gets the same outcome from `course grade` as from `course batch`. A run that does not use
/// TorchSharp does not load it.
/// </summary>
[Platform(Include = "Linux", Reason = "the tests read the worker's memory map from /proc")]
public class LibtorchLoadTests
{
    static readonly RunLimits Limits = new(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(60), 2048);

    const string Homework = """
        namespace Tiny.Homework;

        public static class Model
        {
            public static double Twice(double x) => 2 * x;
        }
        """;

    // NUnit runs a fixture's tests in name order: the first one looks before any test has used TorchSharp.
    const string TorchTests = """
        using System.IO;
        using NUnit.Framework;
        using TorchSharp;
        using Tiny.Homework;

        namespace Tiny.Homework.Tests;

        public class ModelTests
        {
            [Test]
            public void A_FirstTest() => Assert.That(File.ReadAllText("/proc/self/maps"), Does.Contain("libtorch"));

            [Test]
            public void B_UsesTorch() => Assert.That(torch.ones(2).sum().item<float>(), Is.EqualTo((float)Model.Twice(1)));
        }
        """;

    const string PlainTests = """
        using System.IO;
        using NUnit.Framework;
        using Tiny.Homework;

        namespace Tiny.Homework.Tests;

        public class ModelTests
        {
            [Test]
            public void A_FirstTest() => Assert.That(File.ReadAllText("/proc/self/maps"), Does.Not.Contain("libtorch"));

            [Test]
            public void B_Twice() => Assert.That(Model.Twice(1), Is.EqualTo(2));
        }
        """;

    [Test]
    public async Task Given_a_run_that_uses_TorchSharp_in_a_worker_started_for_it_Then_libtorch_is_loaded_before_the_first_test()
    {
        var run = await TinyHomework.RunAsync(Homework, TorchTests, Limits);

        Assert.That(run.Tests.Select(t => (t.Test.Name, t.Outcome)), Is.EqualTo(new[] { ("A_FirstTest", TestOutcome.Passed), ("B_UsesTorch", TestOutcome.Passed) }),
            () => string.Join("\n", run.Tests.Select(t => $"{t.Test.Name}: {t.Message}")));
    }

    [Test]
    public async Task Given_a_run_that_uses_TorchSharp_in_a_grades_early_worker_Then_libtorch_is_loaded_before_the_first_test()
    {
        using var pool = await WorkerPool.ForOneGradeAsync(TinyHomework.Worker.Value);

        var run = await TinyHomework.RunAsync(Homework, TorchTests, Limits, request => request with { Pool = pool });

        Assert.That(pool.Started, Is.EqualTo(1), "the run took the worker the pool started ahead of it");
        Assert.That(run.Tests.Select(t => t.Outcome), Has.All.EqualTo(TestOutcome.Passed), () => string.Join("\n", run.Tests.Select(t => $"{t.Test.Name}: {t.Message}")));
    }

    [Test]
    public async Task Given_a_run_that_does_not_use_TorchSharp_in_a_worker_started_for_it_Then_libtorch_is_not_loaded()
    {
        var run = await TinyHomework.RunAsync(Homework, PlainTests, Limits);

        Assert.That(run.Tests.Select(t => t.Outcome), Has.All.EqualTo(TestOutcome.Passed), () => string.Join("\n", run.Tests.Select(t => $"{t.Test.Name}: {t.Message}")));
    }
}
