using Course.Grader.Compile;
using Course.Grader.Run;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Run;

public class RunFailureTests
{
    static readonly RunLimits Limits = new(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(60), 2048);

    [Test]
    public async Task Given_a_test_assembly_that_does_not_load_Then_the_run_reports_an_error_instead_of_throwing()
    {
        var homework = TinyHomework.Compile("namespace Tiny.Homework; public static class Nothing { }", "").Homework.Assembly!;
        var broken = new CompiledAssembly("Broken.Tests", [1, 2, 3], []);

        var run = await RunStage.RunAsync(new RunRequest(homework, [new TestSuiteBinary(broken, null)], Limits, TinyHomework.Worker.Value));

        Assert.That(run.Tests, Is.Empty);
        Assert.That(run.Error, Does.StartWith("the tests could not be run: could not load the test assembly Broken.Tests.dll: BadImageFormatException"));
        Assert.That(run.WorkerStarts, Is.EqualTo(1));
    }

    [Test]
    public async Task Given_a_test_that_leaves_a_foreground_thread_running_Then_every_result_is_kept_and_the_worker_is_stopped()
    {
        var run = await TinyHomework.RunAsync("namespace Tiny.Homework; public static class Nothing { }", """
            using System.Threading;
            using NUnit.Framework;

            namespace Tiny.Homework.Tests;

            public class ThreadTests
            {
                [Test]
                public void A_StartsAThreadThatNeverEnds() => new Thread(() => Thread.Sleep(Timeout.Infinite)) { IsBackground = false }.Start();

                [Test]
                public void B_Passes() { }
            }
            """, Limits);

        Assert.That(run.Tests.Select(t => t.Outcome), Is.EqualTo(new[] { TestOutcome.Passed, TestOutcome.Passed }));
        Assert.That(run.Incidents, Is.Empty);
        Assert.That(run.DurationSeconds, Is.InRange(5, 15), "stopped once the grace after the last result ran out");
    }
}
