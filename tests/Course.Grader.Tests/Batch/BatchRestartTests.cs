using Course.Cli.Commands;
using Course.Gradebook;
using Course.Grader.Batch;
using Course.Grader.Pipeline;
using Course.Grader.Tests.Adversarial;
using Course.Grader.Tests.Pipeline;

namespace Course.Grader.Tests.Batch;

/// <summary>
/// A compile that ignores its time limit is graded as a compile error, but .NET cannot stop its thread, which may run for
/// hours with a core and its memory. `course batch` therefore starts no more submissions once it holds one
/// (<see cref="Deadline.Abandoned"/>) and grades the rest in a fresh image of its process, whose rows continue the batch.
/// </summary>
[NonParallelizable]
public class BatchRestartTests
{
    static BatchRequest Request(params string[] roster) =>
        new(Hw3Submissions.Assignment, Hw3Submissions.Layout, new RosterSource(roster), DeadlinePolicy.None, Jobs: 2, IncludeHidden: false,
            Clock: () => Hw3Submissions.GradedAt);

    [Test]
    public async Task Given_a_compile_this_process_stopped_waiting_for_When_a_batch_that_stops_for_it_runs_Then_it_starts_nobody_and_counts_who_is_left()
    {
        using var temp = new TempFolder("course-restart-");
        using var gradebook = SqliteGradebook.Open(temp["g.db"]);
        var before = Deadline.Abandoned;
        var release = new TaskCompletionSource();
        Assert.That(Deadline.Run(_ =>
        {
            release.Task.Wait();
            return "late";
        }, TimeSpan.Zero, CancellationToken.None, grace: TimeSpan.Zero), Is.Null);
        try
        {
            Assert.That(Deadline.Abandoned, Is.EqualTo(before + 1));

            var stopped = await BatchRunner.RunAsync(Request("alice", "bob", "carol") with { StopWhenWorkIsAbandoned = true }, gradebook);
            var kept = await BatchRunner.RunAsync(Request("alice", "bob", "carol"), gradebook);

            Assert.That(stopped.Outcomes, Is.Empty);
            Assert.That(stopped.NotStarted, Is.EqualTo(3));
            Assert.That(kept.Outcomes.Select(o => o.Submission.Student), Is.EqualTo(new[] { "alice", "bob", "carol" }), "a batch that cannot restart goes on");
            Assert.That(kept.NotStarted, Is.Zero);
            Assert.That(gradebook.History(Hw3Submissions.Assignment), Has.Count.EqualTo(3), "only the batch that went on recorded rows");
        }
        finally
        {
            release.SetResult();
        }
        Assert.That(() => Deadline.Abandoned, Is.EqualTo(before).After(5000, 20));
    }

    [Test]
    public async Task Given_a_regrade_restarted_after_one_student_When_it_continues_Then_that_students_row_is_its_grade_and_nobody_is_graded_twice()
    {
        using var temp = new TempFolder("course-restart-");
        using var gradebook = SqliteGradebook.Open(temp["g.db"]);
        var old = (await BatchRunner.RunAsync(Request("alice"), gradebook)).Outcomes.Single().Entry;
        var began = gradebook.LastRow();
        var beforeRestart = (await BatchRunner.RunAsync(Request("alice") with { Regrade = true }, gradebook)).Outcomes.Single().Entry;

        var result = await BatchRunner.RunAsync(
            Request("alice", "bob") with { Regrade = true, Continues = new BatchContinuation(began, new HashSet<string> { "alice" }) }, gradebook);

        var alice = result.Outcomes.Single(o => o.Submission.Student == "alice");
        Assert.That(alice.Entry.Id, Is.EqualTo(beforeRestart.Id), "the row the batch recorded before it restarted");
        Assert.That(alice.Skipped, Is.False, "graded by this batch");
        Assert.That(alice.Previous?.Id, Is.EqualTo(old.Id), "compared with the grade before the batch began");
        Assert.That(alice.PostError, Does.Contain("before the batch restarted"), "a failed post is still a grader error");
        Assert.That(result.Outcomes.Single(o => o.Submission.Student == "bob").Entry.Id, Is.GreaterThan(beforeRestart.Id));
        Assert.That(gradebook.History(Hw3Submissions.Assignment).Select(e => e.Student), Is.EqualTo(new[] { "alice", "alice", "bob" }));
        Assert.That((result.Graded, result.Skipped, result.GraderErrors), Is.EqualTo((2, 0, 1)));
    }

    [Test]
    public void Given_a_batch_restarted_before_When_it_restarts_again_Then_its_command_line_carries_only_the_new_continuation()
    {
        string[] given = ["batch", "hw3-attention", "--dir", "class", "--post", BatchRestart.AfterRowOption, "3", "--unposted=alice", BatchRestart.UnpostedOption, "bob",
            "--jobs", "2", BatchRestart.AfterRowOption + "=4"];

        var arguments = BatchRestart.OfThisProcess(given).ArgumentsFor(new BatchContinuation(3, new HashSet<string> { "carol", "alice" }));

        Assert.That(arguments, Is.EqualTo(new[] { "batch", "hw3-attention", "--dir", "class", "--post", "--jobs", "2",
            BatchRestart.AfterRowOption + "=3", BatchRestart.UnpostedOption + "=alice", BatchRestart.UnpostedOption + "=carol" }));
        Assert.That(BatchRestart.None.Possible, Is.False, "inside another process there is nothing to restart");
    }

    /// <summary>hw3 as the course has it, but with a compile limit of <paramref name="seconds"/>.</summary>
    static string CourseWithCompileLimit(string root, int seconds)
    {
        var layout = Hw3Submissions.Layout;
        File.WriteAllText(Path.Combine(root, "Course.sln"), "");
        foreach (var folder in new[] { layout.AssignmentDir(Hw3Submissions.Assignment), layout.ReferenceDir(Hw3Submissions.Assignment), layout.StarterDir(Hw3Submissions.Assignment) })
            CopyWithoutBuilds(folder, Path.Combine(root, Path.GetRelativePath(layout.Root, folder)));
        var manifest = Path.Combine(root, Path.GetRelativePath(layout.Root, layout.ManifestPath(Hw3Submissions.Assignment)));
        var text = File.ReadAllText(manifest);
        Assert.That(text, Does.Contain("\nlimits:\n").And.Not.Contain("compile_timeout_seconds"));
        File.WriteAllText(manifest, text.Replace("\nlimits:\n", $"\nlimits:\n  compile_timeout_seconds: {seconds}\n", StringComparison.Ordinal));
        return root;
    }

    static void CopyWithoutBuilds(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var folder in Directory.GetDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj")))
            CopyWithoutBuilds(folder, Path.Combine(to, Path.GetFileName(folder)));
    }

    /// <summary>
    /// One compile that ignores its limit, end to end through the CLI: the batch restarts once and the fresh process grades
    /// the rest. A restart of a restarted batch differs only in its command line, which the test above checks; a second
    /// such compile here would cost the suite 25 s more of a core (the limit and <see cref="Deadline.Grace"/>) and prove
    /// nothing else.
    /// </summary>
    [Test]
    public void Given_a_submission_whose_compile_ignores_its_time_limit_When_batched_Then_the_batch_restarts_after_it_and_grades_everyone_once()
    {
        using var temp = new TempFolder("course-restart-cli-");
        var root = CourseWithCompileLimit(Directory.CreateDirectory(temp["course"]).FullName, seconds: 15);
        var classFolder = temp["class"];
        Hw3Class.Folder(Hw3Class.Reference(Path.Combine(classFolder, "alice")), Hw3Class.OnTime);
        AttackSubmissions.Write(Hw3Submissions.Assignment, Path.Combine(classFolder, "bob"), AdversarialCorpusTests.DoublingTypes(40));
        Hw3Class.Folder(Path.Combine(classFolder, "bob"), Hw3Class.OnTime);
        Hw3Class.Folder(Hw3Class.Reference(Path.Combine(classFolder, "carol")), Hw3Class.OnTime);

        var (exitCode, output) = CliProcess.Finish(CliProcess.Start(BatchKillAndResumeTests.CourseDll(), "batch", Hw3Submissions.Assignment, "--dir", classFolder,
            "--gradebook", temp["g.db"], "--public-only", "--jobs", "1", "--deadline", "2025-03-01T00:00:00Z", "--root", root), TimeSpan.FromMinutes(4));

        Assert.That(exitCode, Is.Zero, output);
        int At(string text, int from = 0) => output.IndexOf(text, from, StringComparison.Ordinal);
        var restart = At("restarting: a compile that ignored its time limit still runs in this process; the 1 submission(s) not yet graded");
        Assert.That(restart, Is.GreaterThan(At("bob: 0/")).And.GreaterThan(0), output);
        Assert.That(At("carol: ", restart), Is.GreaterThan(restart), "carol is graded by the fresh process\n" + output);
        Assert.That(output, Does.Contain("batch: 3 student(s), 3 graded, 0 already graded, 0 grader error(s)"));
        using var gradebook = SqliteGradebook.Open(temp["g.db"]);
        var rows = gradebook.History(Hw3Submissions.Assignment);
        Assert.That(rows.Select(e => e.Student), Is.EqualTo(new[] { "alice", "bob", "carol" }), "one row each, in order");
        Assert.That(rows.Single(e => e.Student == "bob").Status, Is.EqualTo(EntryStatus.CompileError));
        Assert.That(rows.Single(e => e.Student == "bob").Message, Does.Contain("took longer than 15 s"));
        Assert.That(rows.Where(e => e.Student is "alice" or "carol").Select(e => e.Score), Is.All.EqualTo(rows[0].MaxScore).And.All.Positive,
            string.Join("\n", rows.Select(e => $"{e.Student}: {e.Status} {e.Score}/{e.MaxScore}: {e.Message}")) + "\n" + output);
    }
}
