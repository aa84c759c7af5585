using Course.Grader.Score;

namespace Course.Grader.Batch;

/// <summary>
/// A source that can hand a grade back to the student where they submitted (a check run, a pull-request comment):
/// <c>course batch --post</c>. A folder of downloads has nowhere to post, so <see cref="DirectorySource"/> is not one.
/// </summary>
public interface IGradePoster
{
    Task PostAsync(StudentSubmission submission, GradeReport report, CancellationToken cancellationToken);
}
