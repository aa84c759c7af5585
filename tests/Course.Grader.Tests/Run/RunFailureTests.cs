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

    /// <summary>Limits under which a worker that says nothing for 4 s outside any test is stopped, far inside the run's time.</summary>
    static readonly RunLimits QuietLimits = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(120), 2048) { QuietTimeout = TimeSpan.FromSeconds(4) };

    /// <summary>
    /// Test cases listed by a source that NUnit reads while it loads the assembly, before any test starts; the source hangs
    /// while <paramref name="hangWhile"/> holds (C# in the tests' scope). Outside a homework's grading, which refuses test case
    /// sources, this stands for anything that keeps the worker from listing its tests: a deadlock in loading, a stuck disk.
    /// </summary>
    static string TestsListedBySourceThatHangs(string hangWhile) => $$"""
        using System.IO;
        using System.Threading;
        using NUnit.Framework;

        namespace Tiny.Homework.Tests;

        public class ListedTests
        {
            static readonly string Marker = Path.Combine(Path.GetTempPath(), "started-once");

            static int[] Cases()
            {
                if ({{hangWhile}})
                {
                    File.WriteAllText(Marker, "");
                    Thread.Sleep(Timeout.Infinite);
                }
                return [1, 2];
            }

            [TestCaseSource(nameof(Cases))]
            public void Listed(int n) => Assert.That(n, Is.Positive);

            [Test]
            public void Passes() { }
        }
        """;

    [Test]
    public async Task Given_a_worker_that_goes_quiet_while_listing_the_tests_Then_it_is_stopped_at_the_quiet_limit_and_started_once_more()
    {
        var run = await TinyHomework.RunAsync("namespace Tiny.Homework; public static class Nothing { }", TestsListedBySourceThatHangs("true"), QuietLimits);

        Assert.That(run.Error, Is.EqualTo("the tests could not be run: the test process said nothing for 4 s while no test ran (loading or listing the tests, or loading libtorch)"));
        Assert.That(run.WorkerStarts, Is.EqualTo(2), "one more start, then no more: nothing had changed");
        Assert.That(run.Incidents, Has.Count.EqualTo(2));
        Assert.That(run.Incidents[0], Does.StartWith("WentQuiet: the test process said nothing for 4 s").And.Contain("started for the tests once more"));
        Assert.That(run.DurationSeconds, Is.LessThan(40), "two quiet limits and two starts, not the run's 120 s");
    }

    [Test]
    public async Task Given_a_worker_that_goes_quiet_on_its_first_start_only_Then_the_second_start_runs_every_test()
    {
        var run = await TinyHomework.RunAsync("namespace Tiny.Homework; public static class Nothing { }", TestsListedBySourceThatHangs("!File.Exists(Marker)"), QuietLimits);

        Assert.That(run.Error, Is.Null);
        Assert.That(run.Tests.Select(t => (t.Test.Name, t.Outcome)), Is.EquivalentTo(new[]
        {
            ("Listed(1)", TestOutcome.Passed), ("Listed(2)", TestOutcome.Passed), ("Passes", TestOutcome.Passed),
        }));
        Assert.That(run.WorkerStarts, Is.EqualTo(2));
        Assert.That(run.Incidents, Has.Count.EqualTo(1));
        Assert.That(run.Incidents[0], Does.StartWith("WentQuiet: the test process said nothing for 4 s").And.Contain("once more"));
    }
}
