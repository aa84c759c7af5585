using Course.Cli;
using Course.Gradebook;
using Course.Gradebook.Export;
using Course.Grader.Batch;
using Course.Grader.Score;
using Course.Grader.Tests.Cli;
using Course.Grader.Tests.Gradebook;
using Course.Grader.Tests.Pipeline;
using CsvHelper;
using Spectre.Console.Testing;

namespace Course.Grader.Tests.Batch;

/// <summary>
/// A class of nine graded end to end, as an instructor's batch is: the first run is stopped after three grades (as a
/// killed batch is), the second resumes it. The tests then read that gradebook, rerun and regrade with `course batch`,
/// and export it with `course gradebook export`. Public tests only, two at a time, to keep it to about a minute.
/// </summary>
[NonParallelizable]
public class ClassBatchTests
{
    const int StopAfter = 3;
    TempFolder temp = null!;
    string classFolder = null!;
    string gradebookPath = null!;
    Exception? stopped;
    IReadOnlyList<GradebookEntry> recordedBeforeStop = null!;
    BatchResult resumed = null!;
    IReadOnlyList<GradebookEntry> history = null!;

    static BatchRequest Request(ISubmissionSource source, bool regrade = false) =>
        new(Hw3Submissions.Assignment, Hw3Submissions.Layout, source, Hw3Class.Policy, Jobs: 2, regrade, IncludeHidden: false, Clock: () => Hw3Submissions.GradedAt);

    [OneTimeSetUp]
    public async Task GradeTheClassInARunStoppedAfterThreeGradesAndARunThatResumesIt()
    {
        temp = new TempFolder("course-batch-");
        classFolder = Hw3Class.Build(temp["class"]);
        gradebookPath = temp["gradebook.db"];
        using (var cancel = new CancellationTokenSource())
        using (var gradebook = SqliteGradebook.Open(gradebookPath))
        {
            try
            {
                await BatchRunner.RunAsync(Request(new DirectorySource(classFolder)), gradebook, new CancelAfterFinished(StopAfter, cancel), cancel.Token);
            }
            catch (OperationCanceledException e)
            {
                stopped = e;
            }
            recordedBeforeStop = gradebook.History(Hw3Submissions.Assignment);
        }
        using (var gradebook = SqliteGradebook.Open(gradebookPath))
        {
            resumed = await BatchRunner.RunAsync(Request(new DirectorySource(classFolder)), gradebook);
            history = gradebook.History(Hw3Submissions.Assignment);
        }
    }

    [OneTimeTearDown]
    public void DeleteTemp() => temp.Dispose();

    GradebookEntry Grade(string student) => history.Single(e => e.Student == student);

    /// <summary>A copy of the class's gradebook, for tests that add rows to it.</summary>
    string CopyOfGradebook(string name)
    {
        var copy = temp[name];
        File.Copy(gradebookPath, copy);
        return copy;
    }

    [Test]
    public void Given_a_batch_stopped_after_three_grades_Then_they_are_committed_and_what_was_in_flight_is_not_recorded()
    {
        Assert.That(stopped, Is.Not.Null, "the stopped run ends in OperationCanceledException");
        Assert.That(recordedBeforeStop, Has.Count.InRange(StopAfter, StopAfter + 1), "at most the one grade in flight beside the third finished too");
        Assert.That(recordedBeforeStop.Select(e => e.Student), Is.Unique);
        Assert.That(recordedBeforeStop.Select(e => e.Status), Has.None.EqualTo(EntryStatus.Error), "a cancelled grade is no grader error");
    }

    [Test]
    public void Given_the_stopped_batch_When_rerun_Then_what_was_graded_is_skipped_the_rest_is_graded_and_nobody_twice()
    {
        var before = recordedBeforeStop.Select(e => e.Student).ToHashSet();

        Assert.That(resumed.Outcomes.Where(o => o.Skipped).Select(o => o.Submission.Student), Is.EquivalentTo(before));
        Assert.That(resumed.Outcomes.Where(o => !o.Skipped).Select(o => o.Submission.Student), Is.EquivalentTo(Hw3Class.Students.Except(before)));
        Assert.That(resumed.Outcomes.Where(o => o.Skipped).Select(o => o.Entry.Id), Is.EquivalentTo(recordedBeforeStop.Select(e => e.Id)), "skipped with the rows of the first run");
        Assert.That(history.Select(e => e.Student), Is.EquivalentTo(Hw3Class.Students), "one row per student");
        Assert.That(resumed.GraderErrors, Is.Zero, () => string.Join("\n", history.Select(e => $"{e.Student}: {e.Message}")));
    }

    [Test]
    public void Given_the_class_Then_each_submission_has_the_grade_its_code_earns_and_the_broken_ones_are_graded_rows()
    {
        var max = Grade("alice").MaxScore;
        Assert.That(max, Is.Positive);
        Assert.That(history.Where(e => e.Status != EntryStatus.NoSubmission).Select(e => e.MaxScore), Has.All.EqualTo(max));
        Assert.That(Hw3Class.FullMarks.Select(s => (s, Grade(s).Status, Grade(s).Score)), Is.EqualTo(Hw3Class.FullMarks.Select(s => (s, EntryStatus.Graded, max))));
        var partial = Grade("bob").Score;
        Assert.That(partial, Is.InRange(1, max - 1));
        Assert.That(Hw3Class.PartialMarks.Select(s => Grade(s).Score), Has.All.EqualTo(partial), "the same half-done files as a folder, late, and as a git work tree");

        var dave = Grade(Hw3Class.CompileError);
        Assert.That((dave.Status, dave.Score), Is.EqualTo((EntryStatus.CompileError, 0.0)));
        var frank = Grade(Hw3Class.Corrupt);
        Assert.That((frank.Status, frank.Score, frank.Tests.Count), Is.EqualTo((EntryStatus.Graded, 0.0, Grade("alice").Tests.Count)), "every test, each failed");
        Assert.That(frank.Message, Does.Contain("could not be read"));
        var ivan = Grade(Hw3Class.UploadedTwice);
        Assert.That((ivan.Status, ivan.Score, ivan.Message), Is.EqualTo((EntryStatus.NoSubmission, 0.0, "more than one submission: ivan, ivan.zip")));
    }

    [Test]
    public void Given_the_class_Then_each_row_records_where_the_grade_came_from()
    {
        var heidi = Grade(Hw3Class.GitStudent);
        var head = Hw3Class.Head(Path.Combine(classFolder, Hw3Class.GitStudent));
        Assert.That((heidi.Commit, heidi.SubmissionKey), Is.EqualTo((head, head)));
        Assert.That(history.Where(e => e.Student is not Hw3Class.GitStudent and not Hw3Class.UploadedTwice).Select(e => e.SubmissionKey),
            Has.All.StartWith(SubmissionContent.Prefix));
        Assert.That(history.Where(e => e.Student != Hw3Class.GitStudent).Select(e => e.Commit), Has.All.Null);
        Assert.That(history.Select(e => e.GraderVersion).Distinct().Single(), Is.Not.Empty);
        Assert.That(history.Select(e => e.TestSuiteHash).Distinct().Count(), Is.EqualTo(1));
        Assert.That(history.Where(e => e.ReportJson is not null).Select(e => e.Student), Is.EquivalentTo(Hw3Class.Students.Except([Hw3Class.UploadedTwice])));
    }

    [Test]
    public void Given_the_class_Then_late_is_after_the_students_own_deadline_by_file_time_or_commit_date()
    {
        Assert.That(history.Where(e => e.Late).Select(e => e.Student), Is.EqualTo(new[] { Hw3Class.LateStudent }));
        Assert.That(Grade("grace").SubmittedAt, Is.EqualTo(Hw3Class.LateTime), "late by the deadline, on time by her extension");
        Assert.That(history.Where(e => e.SubmittedAt is not null && e.Student != Hw3Class.GitStudent).Select(e => e.TimeSource), Has.All.EqualTo(SubmissionTimeSource.FileTime));
        Assert.That((Grade(Hw3Class.GitStudent).SubmittedAt, Grade(Hw3Class.GitStudent).TimeSource), Is.EqualTo(((DateTimeOffset?)Hw3Class.CommittedAt, SubmissionTimeSource.Committed)));
    }

    [Test]
    public async Task Given_a_fetch_that_fails_for_one_student_When_batched_Then_that_student_is_an_error_row_and_the_batch_goes_on()
    {
        using var gradebook = SqliteGradebook.Open(CopyOfGradebook("errors.db"));
        var source = new FetchFailsFor("bob", new DirectorySource(classFolder));

        var result = await BatchRunner.RunAsync(Request(source), gradebook);
        var again = await BatchRunner.RunAsync(Request(source), gradebook);

        var bob = result.Outcomes.Single(o => o.Submission.Student == "bob");
        Assert.That((bob.Entry.Status, bob.IsGraderError, bob.Entry.Message), Is.EqualTo((EntryStatus.Error, true, "IOException: the network is down")));
        Assert.That(result.GraderErrors, Is.EqualTo(1));
        Assert.That(result.Outcomes.Where(o => o != bob).Select(o => o.Skipped), Has.All.True, "everyone else was graded already");
        Assert.That(again.Outcomes.Single(o => o.Submission.Student == "bob").Skipped, Is.False, "an error is tried again");
        Assert.That(gradebook.Latest(Hw3Submissions.Assignment).Single(e => e.Student == "bob").Id, Is.EqualTo(Grade("bob").Id), "the old grade still stands");
    }

    [Test]
    public void Given_a_graded_class_When_batched_again_from_the_command_line_Then_every_student_is_skipped_and_it_exits_0()
    {
        var (exitCode, output) = CourseCli.Run("batch", Hw3Submissions.Assignment, "--dir", classFolder, "--gradebook", CopyOfGradebook("rerun.db"),
            "--public-only", "--jobs", "2", "--deadline", "2025-03-01T00:00:00Z");

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain($"{Hw3Class.Students.Length} submission(s) to grade or skip"));
        Assert.That(output, Does.Contain($"alice: {ScoreStage.Format(Grade("alice").Score)}/{ScoreStage.Format(Grade("alice").MaxScore)} graded (already graded)\n"));
        Assert.That(output, Does.Contain($"batch: {Hw3Class.Students.Length} student(s), 0 graded, {Hw3Class.Students.Length} already graded, 0 grader error(s)"));
    }

    [Test]
    public void Given_an_interactive_terminal_When_batched_Then_a_progress_bar_runs_to_the_end_before_the_summary()
    {
        var console = new TestConsole().Interactive().Width(200);

        var exitCode = CourseApp.Run(["batch", Hw3Submissions.Assignment, "--dir", classFolder, "--gradebook", CopyOfGradebook("interactive.db"),
            "--public-only", "--jobs", "2", "--root", Hw3Submissions.Layout.Root], console);

        Assert.That(exitCode, Is.EqualTo(0), console.Output);
        Assert.That(console.Output, Does.Contain("grading").And.Contain("100%"));
        Assert.That(console.Output, Does.Not.Contain("submission(s) to grade or skip"), "no plain lines under a progress bar");
        Assert.That(console.Output.IndexOf("100%", StringComparison.Ordinal), Is.LessThan(console.Output.IndexOf("batch: ", StringComparison.Ordinal)));
    }

    [Test]
    public void Given_one_changed_file_When_regraded_Then_the_diff_shows_that_students_score_and_tests_and_history_keeps_the_old_row()
    {
        var regradeFolder = temp["regrade"];
        Hw3Class.Folder(Hw3Class.Reference(Path.Combine(regradeFolder, "alice")), Hw3Class.OnTime);
        var bob = Hw3Class.PartialWork(Path.Combine(regradeFolder, "bob"));
        File.Copy(Path.Combine(Hw3Submissions.ReferenceProject, "Attention.cs"), Path.Combine(bob, "Attention.cs"), overwrite: true);
        var gradebookCopy = CopyOfGradebook("regrade.db");

        var (exitCode, output) = CourseCli.Run("batch", Hw3Submissions.Assignment, "--dir", regradeFolder, "--gradebook", gradebookCopy,
            "--public-only", "--jobs", "2", "--regrade");

        Assert.That(exitCode, Is.EqualTo(0), output);
        using var gradebook = SqliteGradebook.Open(gradebookCopy);
        var bobs = gradebook.History(Hw3Submissions.Assignment).Where(e => e.Student == "bob").ToList();
        Assert.That(bobs, Has.Count.EqualTo(2), "the regrade adds a row");
        var diff = GradeDiff.Between(bobs[0], bobs[1]);
        Assert.That(diff.New.Score, Is.GreaterThan(diff.Old.Score), "the fixed Attention.cs earns more");
        Assert.That(diff.ChangedTests, Is.Not.Empty.And.All.Property(nameof(TestChange.NowPassed)).True);
        Assert.That(output, Does.Contain("Changes from the previous grade (1 unchanged):"));
        Assert.That(output, Does.Contain(
            $"  bob: {ScoreStage.Format(diff.Old.Score)} → {ScoreStage.Format(diff.New.Score)}/{ScoreStage.Format(diff.New.MaxScore)} (+{ScoreStage.Format(diff.New.Score - diff.Old.Score)})\n"));
        foreach (var test in diff.ChangedTests) Assert.That(output, Does.Contain($"    passes {test.Name}\n"));
        Assert.That(output, Does.Not.Contain("  alice:"), "unchanged students are only counted");
        Assert.That(gradebook.Latest(Hw3Submissions.Assignment).Single(e => e.Student == "bob").Id, Is.EqualTo(bobs[1].Id), "the latest row wins");
    }

    [Test]
    public void Given_the_class_When_exported_as_csv_Then_it_parses_back_to_one_row_per_student_with_their_grade()
    {
        var csvPath = temp["export/hw3.csv"];

        var (exitCode, output) = ExportCli.Run(Hw3Submissions.Assignment, "--format", "csv", "--out", csvPath, "--gradebook", gradebookPath);

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(File.ReadLines(csvPath).First(), Is.EqualTo("student,repository,commit,score,max_score,percent,status,late,submitted_at,submitted_at_source,graded_at"));
        using var reader = CsvReader.FromFile(csvPath);
        var rows = reader.GetRecords<GradeCsvRow>().ToDictionary(r => r.Student);
        Assert.That(rows.Keys, Is.EqualTo(Hw3Class.Students));
        foreach (var student in Hw3Class.Students)
        {
            var grade = Grade(student);
            Assert.That((rows[student].Score, rows[student].Late, rows[student].Commit), Is.EqualTo(((double?)grade.Score, grade.Late, grade.Commit ?? "")), student);
            Assert.That(rows[student].MaxScore, Is.EqualTo(Grade("alice").MaxScore), student);
        }
        Assert.That(rows["alice"].Percent, Is.EqualTo(100));
        Assert.That(rows[Hw3Class.CompileError].Status, Is.EqualTo("compile_error"));
        Assert.That(rows["alice"].GradedAt, Is.EqualTo("2025-03-01T12:00:00Z"));
        Assert.That(rows["carol"].Repository, Is.EqualTo(Path.Combine(classFolder, "carol.zip")));
        Assert.That((rows["alice"].SubmittedAt, rows["alice"].SubmittedAtSource), Is.EqualTo(("2025-02-28T12:00:00Z", "file_time")));
        Assert.That((rows[Hw3Class.GitStudent].Commit.Length, rows[Hw3Class.GitStudent].SubmittedAt, rows[Hw3Class.GitStudent].SubmittedAtSource),
            Is.EqualTo((40, "2025-02-27T23:15:00Z", "committed")));
    }

    [Test]
    public void Given_the_class_When_exported_as_a_histogram_Then_a_png_is_written()
    {
        var pngPath = temp["export/hw3.png"];

        var (exitCode, output) = ExportCli.Run(Hw3Submissions.Assignment, "--format", "histogram", "--out", pngPath, "--gradebook", gradebookPath);

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output.Trim(), Is.EqualTo($"wrote {pngPath}"));
        ScoreHistogramTests.AssertPng(pngPath, ScoreHistogram.Width, ScoreHistogram.Height);
    }

    [Test]
    public void Given_the_class_When_exported_as_markdown_Then_the_summary_counts_the_class_and_lists_every_test()
    {
        var (exitCode, output) = ExportCli.Run(Hw3Submissions.Assignment, "--format", "markdown", "--gradebook", gradebookPath);

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Is.EqualTo(MarkdownSummary.Write(GradebookSummary.Of(Hw3Submissions.Assignment, history))));
        var passing = history.Count(e => e.IsGrade && e.Percent >= 50);
        Assert.That(output, Does.StartWith($"# {Hw3Submissions.Assignment}: grades of {Hw3Class.Students.Length} student(s)\n"));
        Assert.That(output, Does.Contain($"| pass rate (≥ 50.0%) | {passing}/{Hw3Class.Students.Length} ("));
        Assert.That(output, Does.Contain("| min / max | 0.0% / 100.0% |\n"));
        Assert.That(output, Does.Contain("| late | 1 |\n").And.Contain("| no submission | 1 |\n").And.Contain("| grader errors | 0 |\n"));
        foreach (var test in Grade("alice").Tests) Assert.That(output, Does.Contain($"| {test.Name} | "));
    }

    /// <summary>Cancels the batch once it has finished <paramref name="count"/> students, as a kill would stop it.</summary>
    sealed class CancelAfterFinished(int count, CancellationTokenSource cancel) : IProgress<BatchEvent>
    {
        int finished;

        public void Report(BatchEvent value)
        {
            if (value is GradingFinished && Interlocked.Increment(ref finished) == count) cancel.Cancel();
        }
    }

    /// <summary>A source whose download of one student fails as a network would: the grader's problem, not the student's.</summary>
    sealed class FetchFailsFor(string student, ISubmissionSource inner) : ISubmissionSource
    {
        public Task<IReadOnlyList<StudentSubmission>> ListAsync(DeadlinePolicy deadline, CancellationToken cancellationToken) =>
            inner.ListAsync(deadline, cancellationToken);

        public Task<string> FetchAsync(StudentSubmission submission, string scratch, CancellationToken cancellationToken) =>
            submission.Student == student ? throw new IOException("the network is down") : inner.FetchAsync(submission, scratch, cancellationToken);
    }
}
