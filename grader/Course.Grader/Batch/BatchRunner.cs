using Course.Grader.Pipeline;
using Course.Grader.Report;
using Course.Grader.Workspace;

namespace Course.Grader.Batch;

/// <summary>
/// <c>course batch</c>: lists a source's submissions, grades those the gradebook does not hold yet (all with
/// <see cref="BatchRequest.Regrade"/>) a few at a time, and records each grade as soon as it is given. One student's
/// problem never stops the batch: a broken submission is a graded result, and a grader failure an error row.
/// </summary>
public static class BatchRunner
{
    /// <summary>The key of a student the source found nothing to grade for.</summary>
    public const string NoSubmissionKey = "none";

    /// <exception cref="OperationCanceledException">Cancelled: what was graded before is recorded, what was in flight is not.</exception>
    public static async Task<BatchResult> RunAsync(BatchRequest request, IGradebook gradebook, IProgress<BatchEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Jobs, 1);
        var manifest = request.Layout.LoadManifest(request.Assignment);
        var suiteHash = TestSuiteHash.Of(new HomeworkSuites(manifest, request.Layout), request.IncludeHidden);
        var listed = await request.Source.ListAsync(request.Deadline, cancellationToken);
        IReadOnlyList<StudentSubmission> submissions = request.Shard is { } shard ? [.. listed.Where(s => shard.Contains(s.Student))] : listed;
        progress?.Report(new BatchListed(submissions, request.Shard, listed.Count));

        var outcomes = new BatchOutcome?[submissions.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = request.Jobs, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, submissions.Count), options, async (i, token) =>
        {
            // A compile that ignored its time limit still runs in this process, holding a core and its memory, perhaps for
            // hours: the submissions after it are left to a fresh process (see Deadline).
            if (request.StopWhenWorkIsAbandoned && Deadline.Abandoned > 0) return;
            var outcome = outcomes[i] = await GradeOneAsync(request, gradebook, suiteHash, submissions[i], progress, token);
            progress?.Report(new GradingFinished(outcome));
        });
        return new BatchResult([.. outcomes.OfType<BatchOutcome>()], request.Shard, NotStarted: outcomes.Count(o => o is null));
    }

    static async Task<BatchOutcome> GradeOneAsync(
        BatchRequest request, IGradebook gradebook, string suiteHash, StudentSubmission submission, IProgress<BatchEvent>? progress, CancellationToken cancellationToken)
    {
        var previous = gradebook.LatestGrade(request.Assignment, submission.Student, request.Continues?.AfterRow ?? long.MaxValue);
        var now = request.Clock ?? (() => DateTimeOffset.UtcNow);
        BatchOutcome Ungraded(string key, EntryStatus status, string message) =>
            new(submission, gradebook.Record(GradebookEntry.Ungraded(request.Assignment, submission, key, suiteHash, status, message, now()) with { Shard = request.Shard?.ToString() }), false, previous);
        BatchOutcome? AlreadyGraded(string key) =>
            !request.Regrade && gradebook.FindGrade(request.Assignment, submission.Student, key, suiteHash) is { } done
                ? new BatchOutcome(submission, done, true, previous)
                : null;

        if (request.Continues is { } before && gradebook.LatestRowAfter(request.Assignment, submission.Student, before.AfterRow) is { } recorded)
            return new BatchOutcome(submission, recorded, false, previous,
                before.Unposted.Contains(submission.Student) ? "posting failed before the batch restarted (see its log)" : null);
        if (submission.Problem is { } problem)
            return AlreadyGraded(NoSubmissionKey) ?? Ungraded(NoSubmissionKey, EntryStatus.NoSubmission, problem);
        if (submission.Commit is { } commit && AlreadyGraded(commit) is { } skipped)
            return skipped;

        progress?.Report(new GradingStarted(submission));
        var scratch = Directory.CreateTempSubdirectory("course-batch-").FullName;
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
        finally
        {
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
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
