using System.Diagnostics;
using Course.Grader.Run;
using Course.Grader.Sandbox;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Run;

/// <summary>
/// A worker whose grader is gone ends itself: the grader keeps the worker's stdin open, and when that
/// closes (the grader exited, or was killed with SIGKILL, which closes it the same way) the worker kills
/// its process group, even in the middle of a test that would run for a minute.
/// </summary>
public class WorkerLifelineTests
{
    const string Tests = """
        using System.Threading;
        using NUnit.Framework;

        namespace Tiny.Homework.Tests;

        public class SlowTests
        {
            [Test]
            public void RunsForAMinute() => Thread.Sleep(60_000);
        }
        """;

    [Test]
    public async Task Given_a_running_test_When_the_graders_end_of_stdin_closes_Then_the_worker_kills_itself()
    {
        var request = Request();
        using var temporary = PrivateFolder.CreateTemporary();
        var root = temporary.Path;
        var folder = RunFolder.Lay(root, request);
        using var worker = Process.Start(WorkerCommand.StartInfo(request.Worker, folder, new HashSet<string>(), [], []))!;
        await AssertItEndsWhenStdinCloses(worker, command: null);
    }

    [Test]
    public async Task Given_a_serving_worker_in_the_middle_of_a_run_When_the_graders_end_of_stdin_closes_Then_it_kills_itself()
    {
        var request = Request();
        using var temporary = PrivateFolder.CreateTemporary();
        var root = temporary.Path;
        var folder = RunFolder.Lay(PrivateFolder.CreateOwnerOnly(Path.Combine(root, "run-1")), request, withScratch: false);
        var scratch = PrivateFolder.CreateOwnerOnly(Path.Combine(root, "scratch-1"));
        using var worker = Process.Start(WorkerCommand.ServeInfo(request.Worker, root, scratch))!;
        await AssertItEndsWhenStdinCloses(worker, WorkerProtocol.FormatCommand(new RunCommand(folder.Root, folder.Assemblies, [], [])));
    }

    static RunRequest Request()
    {
        var compiled = TinyHomework.Compile("namespace Tiny.Homework; public static class Nothing { }", Tests);
        return new RunRequest(compiled.Homework.Assembly!,
            [.. compiled.TestSuites.Select(s => new TestSuiteBinary(s.Assembly!, GoldenDirectory: null))],
            new RunLimits(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60), 2048), TinyHomework.Worker.Value);
    }

    /// <summary>Sends the nonce (and a serving worker's run), waits for the minute-long test to start, then closes stdin.</summary>
    static async Task AssertItEndsWhenStdinCloses(Process worker, string? command)
    {
        try
        {
            const string nonce = "lifeline";
            await worker.StandardInput.WriteLineAsync(nonce);
            if (command is not null) await worker.StandardInput.WriteLineAsync(command);
            await worker.StandardInput.FlushAsync();
            _ = worker.StandardError.ReadToEndAsync();
            using var started = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var running = false;
            while (!running && await worker.StandardOutput.ReadLineAsync(started.Token) is { } line)
                running = WorkerProtocol.Parse(line, nonce) is StartMessage { IsSuite: false };
            Assert.That(running, Is.True, "the test never started");

            var clock = Stopwatch.StartNew();
            worker.StandardInput.Close();

            Assert.That(worker.WaitForExit(TimeSpan.FromSeconds(10)), Is.True, "the worker outlived its grader");
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
            if (!OperatingSystem.IsWindows()) Assert.That(worker.ExitCode, Is.EqualTo(128 + 9), "killed with SIGKILL, with its group");
        }
        finally
        {
            if (!worker.HasExited) worker.Kill(entireProcessTree: true);
        }
    }
}
