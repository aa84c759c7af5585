using Course.Gradebook;
using Course.Grader.Batch;
using Course.Grader.Tests.Pipeline;

namespace Course.Grader.Tests.Batch;

/// <summary>
/// A submission that kills the grader's own process (a crash .NET cannot catch) must not stop the class at every rerun.
/// The gradebook notes each grading before it starts and forgets it once the row is in; what a dead process left is graded
/// again first and alone, and a process that dies on it again leaves a grader error for it, which reruns keep. The deaths
/// here are made as a dead process leaves them (a grading noted and never recorded); <see cref="BatchKillAndResumeTests"/>
/// kills a real batch. The class is two compile errors, which grade without a test process.
/// </summary>
[NonParallelizable]
public class ProcessDeathTests
{
    TempFolder temp = null!;
    string classFolder = null!;

    [SetUp]
    public void BuildTheClass()
    {
        temp = new TempFolder("course-death-");
        classFolder = temp["class"];
        foreach (var student in new[] { "alice", "bob" })
            Hw3Class.Folder(Hw3Submissions.Materialize("compile-error", Path.Combine(classFolder, student)), Hw3Class.OnTime);
    }

    [TearDown]
    public void DeleteTemp() => temp.Dispose();

    BatchRequest Request(bool regrade = false) =>
        new(Hw3Submissions.Assignment, Hw3Submissions.Layout, new DirectorySource(classFolder), Hw3Class.Policy, Jobs: 2, regrade, IncludeHidden: false,
            Clock: () => Hw3Submissions.GradedAt);

    /// <summary>Runs the batch, with the events in the order the grading threads sent them.</summary>
    static async Task<(BatchResult Result, List<BatchEvent> Events)> RunAsync(BatchRequest request, SqliteGradebook gradebook)
    {
        var events = new List<BatchEvent>();
        var result = await BatchRunner.RunAsync(request, gradebook, new Recorder(events));
        return (result, events);
    }

    sealed class Recorder(List<BatchEvent> events) : IProgress<BatchEvent>
    {
        public void Report(BatchEvent value)
        {
            lock (events) events.Add(value);
        }
    }

    static InFlightGrading Died(string student, string key, string suite, bool retry) =>
        new(Hw3Submissions.Assignment, student, key, suite, retry, Hw3Submissions.GradedAt.AddMinutes(-5));

    [Test]
    public async Task Given_a_grading_a_dead_process_left_When_the_batch_runs_again_Then_that_student_goes_first_alone_and_nothing_is_left_in_flight()
    {
        using var gradebook = SqliteGradebook.Open(temp["g.db"]);
        gradebook.Started(Died("bob", "sha256:whatever", "suite", retry: false));

        var (result, events) = await RunAsync(Request(), gradebook);

        Assert.That(events.OfType<BatchListed>().Single().Retries, Is.EqualTo(1));
        var order = events.Where(e => e is GradingStarted or GradingFinished)
            .Select(e => e is GradingStarted s ? $"start {s.Submission.Student}" : $"end {((GradingFinished)e).Outcome.Submission.Student}").ToList();
        Assert.That(order.Take(2), Is.EqualTo(new[] { "start bob", "end bob" }), "bob is graded before anyone else starts");
        Assert.That(result.Outcomes.Select(o => (o.Submission.Student, o.Entry.Status)), Is.EqualTo(new[] { ("alice", EntryStatus.CompileError), ("bob", EntryStatus.CompileError) }),
            "in the source's order, each graded once");
        Assert.That(gradebook.Unfinished(Hw3Submissions.Assignment), Is.Empty);
    }

    [Test]
    public async Task Given_a_submission_whose_retry_died_too_When_batched_Then_it_is_a_grader_error_that_reruns_keep_until_a_regrade()
    {
        GradebookEntry bob;
        using (var scratch = SqliteGradebook.Open(temp["scratch.db"]))
            bob = (await RunAsync(Request(), scratch)).Result.Outcomes.Single(o => o.Submission.Student == "bob").Entry; // his submission's key
        using var gradebook = SqliteGradebook.Open(temp["g.db"]);
        // The process died grading bob in a batch, and again when the next one retried him alone.
        gradebook.Started(Died("bob", bob.SubmissionKey, bob.TestSuiteHash, retry: true));

        var died = await RunAsync(Request(), gradebook);
        var rerun = await RunAsync(Request(), gradebook);
        var regraded = await RunAsync(Request(regrade: true), gradebook);

        var error = died.Result.Outcomes.Single(o => o.Submission.Student == "bob");
        Assert.That((error.Entry.Status, error.Skipped, error.IsGraderError), Is.EqualTo((EntryStatus.Error, false, true)));
        Assert.That(error.Entry.Message, Does.StartWith(BatchRunner.ProcessDiedTwice).And.Contain("2025-03-01 11:55:00 UTC").And.Contain("--regrade"));
        Assert.That(died.Result.Outcomes.Single(o => o.Submission.Student == "alice").Entry.Status, Is.EqualTo(EntryStatus.CompileError), "the rest is graded");

        var kept = rerun.Result.Outcomes.Single(o => o.Submission.Student == "bob");
        Assert.That((kept.Entry.Id, kept.Skipped, kept.IsGraderError), Is.EqualTo((error.Entry.Id, true, true)), "a rerun does not grade him again, and says so");
        Assert.That(rerun.Result.Graded, Is.Zero);

        Assert.That(regraded.Events.OfType<BatchListed>().Single().Retries, Is.EqualTo(1), "a regrade grades him again, alone");
        Assert.That(regraded.Events.OfType<GradingStarted>().First().Submission.Student, Is.EqualTo("bob"));
        Assert.That(regraded.Result.Outcomes.Single(o => o.Submission.Student == "bob").Entry.Status, Is.EqualTo(EntryStatus.CompileError));
        Assert.That(gradebook.History(Hw3Submissions.Assignment).Select(e => (e.Student, e.Status)), Is.EqualTo(new[]
        {
            ("bob", EntryStatus.Error), ("alice", EntryStatus.CompileError), ("bob", EntryStatus.CompileError), ("alice", EntryStatus.CompileError),
        }), "bob goes first each time he is a retry; the rerun added no row");
        Assert.That(gradebook.Unfinished(Hw3Submissions.Assignment), Is.Empty);
    }
}
