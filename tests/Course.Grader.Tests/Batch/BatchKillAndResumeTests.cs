using System.Diagnostics;
using Course.Gradebook;
using Course.Grader.Batch;
using Course.Grader.Tests.Cli;
using Course.Grader.Tests.Pipeline;
using Microsoft.Data.Sqlite;

namespace Course.Grader.Tests.Batch;

/// <summary>
/// A real kill: `course batch` runs as a child process and its whole process tree is killed once the gradebook holds a
/// grade and the next grading is under way; a second batch then grades the student the kill cut short first, alone, and
/// finishes the class, skipping what was graded, and the gradebook is whole.
/// </summary>
[NonParallelizable]
public class BatchKillAndResumeTests
{
    static readonly string[] Students = ["alice", "bob", "carol", "dave", "erin"];

    /// <summary>The CLI built beside this test assembly, in the same configuration (bin/CONFIG/net10.0).</summary>
    internal static string CourseDll()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testOutput.Parent!.Name;
        return Path.Combine(Hw3Submissions.Layout.Root, "grader", "Course.Cli", "bin", configuration, testOutput.Name, "course.dll");
    }

    static string BuildClass(string folder)
    {
        Directory.CreateDirectory(folder);
        Hw3Class.Folder(Hw3Class.Reference(Path.Combine(folder, "alice")), Hw3Class.OnTime);
        Hw3Class.Folder(Hw3Class.PartialWork(Path.Combine(folder, "bob")), Hw3Class.OnTime);
        Hw3Class.Folder(Hw3Class.Reference(Path.Combine(folder, "carol")), Hw3Class.OnTime);
        Hw3Class.Folder(Hw3Submissions.Materialize("compile-error", Path.Combine(folder, "dave")), Hw3Class.OnTime);
        Hw3Class.Folder(Hw3Class.PartialWork(Path.Combine(folder, "erin")), Hw3Class.OnTime);
        return folder;
    }

    static long GradeRows(string database) => Count(database, "SELECT COUNT(*) FROM grades WHERE status <> 'error'");

    /// <summary>Gradings the batch noted as started and has not recorded yet.</summary>
    static long InFlight(string database) => Count(database, "SELECT COUNT(*) FROM in_flight");

    static long Count(string database, string sql)
    {
        if (!File.Exists(database)) return 0;
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return (long)command.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return 0; // not made yet
        }
    }

    [Test]
    public void Given_a_batch_killed_after_its_first_grade_When_run_again_Then_each_student_is_graded_once_and_the_gradebook_is_whole()
    {
        using var temp = new TempFolder("course-kill-");
        var classFolder = BuildClass(temp["class"]);
        var database = temp["gradebook.db"];
        var dll = CourseDll();
        Assert.That(File.Exists(dll), Is.True, dll);
        var clock = Stopwatch.StartNew();

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { dll, "batch", Hw3Submissions.Assignment, "--dir", classFolder, "--gradebook", database, "--public-only", "--jobs", "1",
                     "--deadline", "2025-03-01T00:00:00Z", "--root", Hw3Submissions.Layout.Root })
            start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        var childOutput = new System.Text.StringBuilder();
        child.OutputDataReceived += (_, e) => { lock (childOutput) childOutput.AppendLine(e.Data); };
        child.ErrorDataReceived += (_, e) => { lock (childOutput) childOutput.AppendLine(e.Data); };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        // Killed with one grade in and the next one under way: the kill is a death in mid-grade.
        while ((GradeRows(database) == 0 || InFlight(database) == 0) && !child.HasExited && clock.Elapsed < TimeSpan.FromMinutes(3)) Thread.Sleep(100);
        var exitedBeforeKill = child.HasExited;
        child.Kill(entireProcessTree: true);
        child.WaitForExit();
        var killedAt = clock.Elapsed;
        Assert.That(exitedBeforeKill, Is.False, () => $"the batch ended before it was killed:\n{childOutput}");

        List<GradebookEntry> beforeRerun;
        using (var gradebook = SqliteGradebook.Open(database)) beforeRerun = [.. gradebook.History(Hw3Submissions.Assignment)];
        Assert.That(beforeRerun, Is.Not.Empty);
        Assert.That(beforeRerun.Count, Is.LessThan(Students.Length), "killed before the end");
        Assert.That(beforeRerun.Select(e => e.Student), Is.Unique);
        Assert.That(beforeRerun.Select(e => e.Status), Has.None.EqualTo(EntryStatus.Error));
        string killedIn;
        using (var gradebook = SqliteGradebook.Open(database)) killedIn = gradebook.Unfinished(Hw3Submissions.Assignment).Single().Student;
        Assert.That(beforeRerun.Select(e => e.Student), Does.Not.Contain(killedIn), "the grading the kill cut short is noted, and has no row");

        var (exitCode, output) = CourseCli.Run("batch", Hw3Submissions.Assignment, "--dir", classFolder, "--gradebook", database,
            "--public-only", "--jobs", "1", "--deadline", "2025-03-01T00:00:00Z");
        TestContext.Progress.WriteLine($"kill and resume: killed after {killedAt.TotalSeconds:F0} s with {beforeRerun.Count} grade(s), done after {clock.Elapsed.TotalSeconds:F0} s");

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("1 of them an earlier run's process died while grading: they go first, one at a time"));
        Assert.That(output, Does.Match($@"(?m)^\[1/\d+\] {killedIn}: "), "the student the kill cut short is graded again first");
        foreach (var entry in beforeRerun) Assert.That(output, Does.Match($@"(?m)^\[\d+/\d+\] {entry.Student}: .*\(already graded\)$"), entry.Student);
        Assert.That(output, Does.Contain($"batch: {Students.Length} student(s), {Students.Length - beforeRerun.Count} graded, {beforeRerun.Count} already graded, 0 grader error(s)"));
        using (var gradebook = SqliteGradebook.Open(database))
        {
            var history = gradebook.History(Hw3Submissions.Assignment);
            Assert.That(history.Select(e => e.Student), Is.EquivalentTo(Students), "one row per student: nothing lost, nothing twice");
            Assert.That(beforeRerun.Select(e => history.Single(h => h.Student == e.Student).Id), Is.EqualTo(beforeRerun.Select(e => e.Id)), "the rows before the kill stand");
            Assert.That(gradebook.Latest(Hw3Submissions.Assignment).Select(e => e.Student), Is.EqualTo(Students));
            Assert.That(history.Select(e => e.Status), Has.None.EqualTo(EntryStatus.Error), "one death is not the submission's fault");
            Assert.That(gradebook.Unfinished(Hw3Submissions.Assignment), Is.Empty);
            Assert.That(history.Single(e => e.Student == "dave").Status, Is.EqualTo(EntryStatus.CompileError));
            Assert.That(history.Single(e => e.Student == "alice").Score, Is.EqualTo(history.Single(e => e.Student == "alice").MaxScore));
        }
        using var check = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        check.Open();
        using var integrity = check.CreateCommand();
        integrity.CommandText = "PRAGMA integrity_check";
        Assert.That(integrity.ExecuteScalar(), Is.EqualTo("ok"));
    }
}
