namespace Course.Grader.Batch;

/// <summary>
/// A grading that has started and not yet ended, as the gradebook notes it before the grade starts and forgets it once
/// the student's row is recorded. One left behind is a process that died mid-grade: a crash .NET cannot catch (a stack
/// overflow in a library, memory running out) or a kill. The next batch grades that student again, first and alone
/// (<see cref="Retry"/>); if the process dies again then, the submission is the cause, and the batch records a grader
/// error for it instead of dying on it at every rerun.
/// </summary>
/// <param name="SubmissionKey">What was being graded (<see cref="GradebookEntry.SubmissionKey"/>).</param>
/// <param name="Retry">The grading was the retry of one whose process died, with nothing else in flight.</param>
public sealed record InFlightGrading(string Assignment, string Student, string SubmissionKey, string TestSuiteHash, bool Retry, DateTimeOffset StartedAt);
