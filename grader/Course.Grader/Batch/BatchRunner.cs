using Course.Grader.Pipeline;
using Course.Grader.Report;
using Course.Grader.Scratch;
using Course.Grader.Workspace;

namespace Course.Grader.Batch;

/// <summary>
/// <c>course batch</c>: lists a source's submissions, grades those the gradebook does not hold yet (all with
/// <see cref="BatchRequest.Regrade"/>) a few at a time, and records each grade as soon as it is given. One student's
/// problem never stops the batch: a broken submission is a graded result, and a grader failure an error row. A
/// submission that kills the grader's own process stops this run, but not the next: see <see cref="InFlightGrading"/>.
/// </summary>
public static class BatchRunner
{
    /// <summary>The key of a student the source found nothing to grade for.</summary>
    public const string NoSubmissionKey = "none";

    /// <summary>The first words of the grader error a submission gets when the process died twice while grading it.</summary>
    public const string ProcessDiedTwice = "The grader's process died twice while grading this submission";

    /// <exception cref="OperationCanceledException">Cancelled: what was graded before is recorded, what was in flight is not.</exception>
    /// <exception cref="GradebookBusyException">Another batch of the assignment holds the gradebook: nothing was graded.</exception>
    public static async Task<BatchResult> RunAsync(BatchRequest request, IGradebook gradebook, IProgress<BatchEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Jobs, 1);
        // No other batch of the assignment runs beside this one: its gradings in flight would read as deaths here.
        using var held = gradebook.HoldForBatch(request.Assignment);
        var manifest = request.Layout.LoadManifest(request.Assignment);
        var suiteHash = TestSuiteHash.Of(new HomeworkSuites(manifest, request.Layout), request.IncludeHidden);
        var listed = await request.Source.ListAsync(request.Deadline, cancellationToken);
        IReadOnlyList<StudentSubmission> submissions = OnePerStudent(request.Shard is { } shard ? listed.Where(s => shard.Contains(s.Student)) : listed);
        // Gradings an earlier run started and never recorded: its process died in them (or was killed).
        var died = gradebook.Unfinished(request.Assignment).ToLookup(g => g.Student, StringComparer.Ordinal);
        var retries = Enumerable.Range(0, submissions.Count).Where(i => died.Contains(submissions[i].Student) || DiedTwiceBefore(request, gradebook, submissions[i].Student)).ToList();
        progress?.Report(new BatchListed(submissions, request.Shard, listed.Count, retries.Count));

        var outcomes = new BatchOutcome?[submissions.Count];
        async ValueTask GradeAsync(int i, bool retry, CancellationToken token)
        {
            // A compile that ignored its time limit still runs in this process, holding a core and its memory, perhaps for
            // hours: the submissions after it are left to a fresh process (see Deadline).
            if (request.StopWhenWorkIsAbandoned && Deadline.Abandoned > 0) return;
            var student = submissions[i].Student;
            BatchOutcome outcome;
            try
            {
                outcome = outcomes[i] = await GradeOneAsync(request, gradebook, suiteHash, submissions[i], retry, [.. died[student]], progress, token);
            }
            finally
            {
                // Recorded, or stopped (cancelled): either way not a death. Only a process that dies skips this.
                gradebook.Finished(request.Assignment, student);
            }
            progress?.Report(new GradingFinished(outcome));
        }

        // One at a time, with nothing else in flight, so that a process that dies again names its cause.
        foreach (var i in retries) await GradeAsync(i, retry: true, cancellationToken);
        var options = new ParallelOptions { MaxDegreeOfParallelism = request.Jobs, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, submissions.Count).Except(retries), options, (i, token) => GradeAsync(i, retry: false, token));
        return new BatchResult([.. outcomes.OfType<BatchOutcome>()], request.Shard, NotStarted: outcomes.Count(o => o is null));
    }

    /// <summary>
    /// One grading per student and run: a listing that names a student twice (an API's pages that shifted while they were
    /// read, or two entries that resolve to one name) had them graded twice at once, the first to finish forgetting both
    /// gradings in flight and the last to finish being the grade, whichever it was. The same entry twice counts once; a
    /// student listed with different submissions gets none of them graded, and the problem says which they were.
    /// </summary>
    static IReadOnlyList<StudentSubmission> OnePerStudent(IEnumerable<StudentSubmission> listed) =>
        [.. listed.GroupBy(s => s.Student, StringComparer.Ordinal).Select(entries => entries.Distinct().ToList() is [var one] ? one
            : new StudentSubmission(entries.Key, entries.First().Repository, null, null, SubmissionTimeSource.None, false, 0,
                $"listed more than once, with different submissions ({string.Join(", ", entries.Distinct().Select(Describe))}): none of them was graded"))];

    static string Describe(StudentSubmission s) => s.Commit is { } commit ? $"{s.Repository}@{commit[..Math.Min(12, commit.Length)]}" : s.Repository;

    /// <summary>With <see cref="BatchRequest.Regrade"/>, a student whose latest row says the process died twice on it is graded again, alone.</summary>
    static bool DiedTwiceBefore(BatchRequest request, IGradebook gradebook, string student) =>
        request.Regrade && gradebook.LatestRowAfter(request.Assignment, student, 0) is { } last && DiedTwiceOn(last);

    static bool DiedTwiceOn(GradebookEntry entry) => entry.Status == EntryStatus.Error && entry.Message.StartsWith(ProcessDiedTwice, StringComparison.Ordinal);

    /// <param name="retry">The student's grading is the retry of one whose process died: nothing else is in flight.</param>
    /// <param name="died">The gradings of this student that an earlier run started and never recorded.</param>
    static async Task<BatchOutcome> GradeOneAsync(
        BatchRequest request, IGradebook gradebook, string suiteHash, StudentSubmission submission, bool retry, IReadOnlyList<InFlightGrading> died,
        IProgress<BatchEvent>? progress, CancellationToken cancellationToken)
    {
        var previous = gradebook.LatestGrade(request.Assignment, submission.Student, request.Continues?.AfterRow ?? long.MaxValue);
        var now = request.Clock ?? (() => DateTimeOffset.UtcNow);
        BatchOutcome Ungraded(string key, EntryStatus status, string message) =>
            new(submission, gradebook.Record(GradebookEntry.Ungraded(request.Assignment, submission, key, suiteHash, status, message, now()) with { Shard = request.Shard?.ToString() }), false, previous);
        // A grade of this submission, or the grader error of a process that died twice on it: a rerun does not grade it again.
        BatchOutcome? AlreadyGraded(string key) =>
            request.Regrade ? null
            : gradebook.FindGrade(request.Assignment, submission.Student, key, suiteHash) is { } done ? new BatchOutcome(submission, done, true, previous)
            : gradebook.LatestRowAfter(request.Assignment, submission.Student, 0) is { } last && DiedTwiceOn(last) && last.SubmissionKey == key && last.TestSuiteHash == suiteHash
                ? new BatchOutcome(submission, last, true, previous)
            : null;

        if (request.Continues is { } before && gradebook.LatestRowAfter(request.Assignment, submission.Student, before.AfterRow) is { } recorded)
            return new BatchOutcome(submission, recorded, false, previous,
                before.Unposted.Contains(submission.Student) ? "posting failed before the batch restarted (see its log)" : null);
        if (submission.Problem is { } problem)
            return AlreadyGraded(NoSubmissionKey) ?? Ungraded(NoSubmissionKey, EntryStatus.NoSubmission, problem);
        if (submission.Commit is { } commit && AlreadyGraded(commit) is { } skipped)
            return skipped;

        progress?.Report(new GradingStarted(submission));
        // Held while the student is graded: if the batch is killed, a later fetch's folder sweeps it (it holds the student's code).
        using var folder = ScratchFolder.Create("course-batch-");
        var scratch = folder.Path;
        var key = submission.Commit ?? NoSubmissionKey;
        try
        {
            Submission parsed;
            try
            {
                var fetched = await request.Source.FetchAsync(submission, scratch, cancellationToken);
                key = submission.Commit ?? SubmissionContent.Key(fetched);
                parsed = Submission.Parse(fetched);
            }
            catch (SubmissionException e)
            {
                return AlreadyGraded(key) ?? Ungraded(key, EntryStatus.NoSubmission, $"The submission could not be fetched: {e.Message}");
            }
            if (AlreadyGraded(key) is { } same) return same;
            if (died.FirstOrDefault(d => d.Retry && d.SubmissionKey == key && d.TestSuiteHash == suiteHash) is { } again)
                return Ungraded(key, EntryStatus.Error, $"{ProcessDiedTwice}, the second time with nothing else in flight (it started at " +
                    $"{again.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC): a crash .NET cannot catch, such as a stack overflow or memory running out, or a " +
                    "kill. It is not graded again unless the batch runs with --regrade; report the submission as a grader bug.");

            gradebook.Started(new InFlightGrading(request.Assignment, submission.Student, key, suiteHash, retry, now()));
            var report = await GradePipeline.GradeAsync(
                new GradeRequest(request.Assignment, parsed, request.Layout, request.IncludeHidden, request.Worker, request.Clock, request.Limits,
                    StartWorkerEarly: false), cancellationToken);
            var entry = gradebook.Record(GradebookEntry.Graded(submission, key, report) with { Shard = request.Shard?.ToString() });
            return new BatchOutcome(submission, entry, false, previous, await PostAsync(request.Poster, submission, report, cancellationToken));
        }
        // Whatever fails once the batch is cancelled (a worker killed mid-test) is the cancellation's doing, not this student's.
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return Ungraded(key, EntryStatus.Error, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <returns>Why posting failed, or null.</returns>
    static async Task<string?> PostAsync(IGradePoster? poster, StudentSubmission submission, Score.GradeReport report, CancellationToken cancellationToken)
    {
        if (poster is null) return null;
        try
        {
            await poster.PostAsync(submission, report, cancellationToken);
            return null;
        }
        catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return ReportText.Block($"{e.GetType().Name}: {e.Message}");
        }
    }
}
