namespace Course.Grader.Batch;

/// <summary>What the batch did for one student.</summary>
/// <param name="Entry">The row recorded now, or when <paramref name="Skipped"/>, the row that was already there.</param>
/// <param name="Skipped">The gradebook already held a grade of this submission with this test suite; nothing was graded.</param>
/// <param name="Previous">The student's latest grade before this batch recorded one, for the regrade diff.</param>
/// <param name="PostError">Why posting the grade back to the student failed (the grade itself is recorded).</param>
public sealed record BatchOutcome(StudentSubmission Submission, GradebookEntry Entry, bool Skipped, GradebookEntry? Previous, string? PostError = null)
{
    /// <summary>The grader failed this student (not the student's code): the batch goes on, the exit code says so.</summary>
    public bool IsGraderError => Entry.Status == EntryStatus.Error || PostError is not null;
}
