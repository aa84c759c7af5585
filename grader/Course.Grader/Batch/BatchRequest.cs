using Course.Grader.Manifest;
using Course.Grader.Run;

namespace Course.Grader.Batch;

/// <summary>A batch to grade: whose submissions, against which deadline, how many at a time.</summary>
/// <param name="Jobs">How many submissions are graded at once (each in its own worker process).</param>
/// <param name="Regrade">Grade again what the gradebook already holds; the new rows win, the old ones stay as history.</param>
/// <param name="Poster">Where grades go back to students (<c>--post</c>); null posts nothing.</param>
/// <param name="IncludeHidden">Run the hidden tests too; false only in tests and trial runs.</param>
/// <param name="Limits">Overrides the manifest's run limits (tests use short ones).</param>
/// <param name="Shard">Grade only this share of the class (<c>--shard k/N</c>); null grades everyone. Each row records it.</param>
/// <param name="Clock">When grades (and grader errors) are given; tests pass a fixed one.</param>
/// <param name="StopWhenWorkIsAbandoned">
/// Start no more submissions once this process holds work a grade stopped waiting for (<see cref="Pipeline.Deadline.Abandoned"/>):
/// the rest are left for a fresh process, which the caller starts with a <paramref name="Continues"/>.
/// </param>
/// <param name="Continues">What this batch did before it was restarted; null for a batch's first process.</param>
public sealed record BatchRequest(
    string Assignment,
    CourseLayout Layout,
    ISubmissionSource Source,
    DeadlinePolicy Deadline,
    int Jobs,
    bool Regrade = false,
    IGradePoster? Poster = null,
    bool IncludeHidden = true,
    RunLimits? Limits = null,
    Func<DateTimeOffset>? Clock = null,
    WorkerLocation? Worker = null,
    Shard? Shard = null,
    bool StopWhenWorkIsAbandoned = false,
    BatchContinuation? Continues = null);

/// <summary>
/// A batch restarted in a fresh process (<see cref="BatchRequest.StopWhenWorkIsAbandoned"/>): a student's gradebook row after
/// <paramref name="AfterRow"/> is this batch's grade, not graded again (even with <see cref="BatchRequest.Regrade"/>), and their
/// previous grade is their latest up to it.
/// </summary>
/// <param name="AfterRow">The id of the gradebook's last row when the batch began.</param>
/// <param name="Unposted">The students whose grades the batch could not post back before it restarted.</param>
public sealed record BatchContinuation(long AfterRow, IReadOnlySet<string> Unposted);
