using System.Diagnostics;
using Course.Grader.Scratch;
using Course.Grader.Tests.Batch;
using Course.Grader.Tests.Pipeline;

namespace Course.Grader.Tests.Scratch;

/// <summary>
/// A real kill: `course grade` runs as a child process, with a temp folder of its own, and its whole process tree is
/// SIGKILLed while the student's tests run; it leaves the grade's folder (the submission) and the run's folder behind, and
/// the next `course grade` sweeps them.
/// </summary>
public class KilledGradeSweepTests
{
    static Process StartGrade(string temp, string submission, string output)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { BatchKillAndResumeTests.CourseDll(), "grade", Hw3Submissions.Assignment, "--submission", submission, "--public-only",
                     "--root", Hw3Submissions.Layout.Root, "-f", "json" })
            start.ArgumentList.Add(arg);
        foreach (var name in new[] { "TMPDIR", "TMP", "TEMP" }) start.Environment[name] = temp;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (output) File.AppendAllText(output, e.Data + "\n"); };
        process.ErrorDataReceived += (_, e) => { lock (output) File.AppendAllText(output, e.Data + "\n"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    static string[] Left(string temp) => [.. Directory.EnumerateFileSystemEntries(temp, "course-*").Select(Path.GetFileName).Order()!];

    [Test]
    public void Given_a_grade_killed_while_its_tests_run_When_the_next_grade_runs_Then_it_sweeps_what_the_killed_one_left()
    {
        using var folder = new TempFolder("course-scratch-kill-");
        var temp = Directory.CreateDirectory(folder["tmp"]).FullName;
        var log = folder["output.txt"];
        // A zip, as a student hands one in: the grade unpacks it into its folder.
        var looping = folder["looping.zip"];
        System.IO.Compression.ZipFile.CreateFromDirectory(Hw3Submissions.Materialize("infinite-loop", folder["looping"]), looping);

        using (var grade = StartGrade(temp, looping, log))
        {
            var clock = Stopwatch.StartNew();
            // Mid-run: the run's folder is laid in the worker pool's folder, and the worker runs the student's tests.
            bool Running() => Directory.EnumerateDirectories(temp, PrivateFolderPrefix + "*").Any(pool => Directory.EnumerateDirectories(pool, "run-*").Any());
            while (!Running() && !grade.HasExited && clock.Elapsed < TimeSpan.FromMinutes(1)) Thread.Sleep(50);
            var exitedBeforeKill = grade.HasExited;
            grade.Kill(entireProcessTree: true);
            grade.WaitForExit();
            Assert.That(exitedBeforeKill, Is.False, () => $"the grade ended before it was killed:\n{File.ReadAllText(log)}");
        }
        var left = Left(temp);
        Assert.That(left.Where(n => n.EndsWith(ScratchFolder.OwnerSuffix)).Select(n => n.Split('-')[1]), Is.EquivalentTo(new[] { "grade", "run" }),
            () => $"the killed grade left its folders, each with its owner file: {string.Join(", ", left)}");
        var submission = left.Single(n => n.StartsWith("course-grade-") && !n.EndsWith(ScratchFolder.OwnerSuffix));
        Assert.That(Directory.EnumerateFiles(Path.Combine(temp, submission), "*.cs", SearchOption.AllDirectories), Is.Not.Empty, "the student's code, unpacked, left by the kill");

        var broken = Hw3Submissions.Materialize("compile-error", folder["broken"]);
        using (var next = StartGrade(temp, broken, log))
        {
            Assert.That(next.WaitForExit(TimeSpan.FromMinutes(2)), Is.True);
            next.WaitForExit();
            Assert.That(next.ExitCode, Is.Zero.Or.EqualTo(1), () => File.ReadAllText(log));
        }

        Assert.That(Left(temp), Is.Empty, "the next grade swept the killed one's folders (and deleted its own)");
    }

    const string PrivateFolderPrefix = Course.Grader.Sandbox.PrivateFolder.TemporaryPrefix;
}
