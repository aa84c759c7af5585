using Course.Grader.Batch;

namespace Course.Grader.Tests.Batch;

/// <summary>A roster as a source lists it: each student has a problem, so the batch records them without grading.</summary>
internal sealed class RosterSource(IReadOnlyList<string> roster) : ISubmissionSource
{
    public Task<IReadOnlyList<StudentSubmission>> ListAsync(DeadlinePolicy deadline, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StudentSubmission>>([.. roster.Select(s =>
            new StudentSubmission(s, $"https://github.com/course/hw3-{s}", null, null, SubmissionTimeSource.None, false, 0, "no repository yet"))]);

    public Task<string> FetchAsync(StudentSubmission submission, string scratch, CancellationToken cancellationToken) =>
        throw new AssertionException("a student with a problem is never fetched");
}
