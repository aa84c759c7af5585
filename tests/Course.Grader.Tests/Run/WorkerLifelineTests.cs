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
        var compiled = TinyHomework.Compile("namespace Tiny.Homework; public static class Nothing { }", Tests);
        var request = new RunRequest(compiled.Homework.Assembly!,
            [.. compiled.TestSuites.Select(s => new TestSuiteBinary(s.Assembly!, GoldenDirectory: null))],
            new RunLimits(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60), 2048), TinyHomework.Worker.Value);
        var root = PrivateFolder.Create(null);
        try
        {
            var folder = RunFolder.Lay(root, request);
            using var worker = Process.Start(WorkerCommand.StartInfo(request.Worker, folder, new HashSet<string>(), [], []))!;
            try
            {
                const string nonce = "lifeline";
                await worker.StandardInput.WriteLineAsync(nonce);
                await worker.StandardInput.FlushAsync();
                _ = worker.StandardError.ReadToEndAsync();
                using var started = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                while (await worker.StandardOutput.ReadLineAsync(started.Token) is { } line)
                {
                    if (WorkerProtocol.Parse(line, nonce) is StartMessage { IsSuite: false }) break;
                }

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
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
