namespace Course.Grader.Batch;

/// <summary>
/// Where a batch keeps its grades, one row per grading, each kept as soon as it is recorded so that a batch
/// stopped half-way loses nothing. Implemented over SQLite by Course.Gradebook.
/// </summary>
public interface IGradebook
{
    /// <summary>The latest grade (not a grader error) of this submission with this test suite, or null: a rerun skips it.</summary>
    GradebookEntry? FindGrade(string assignment, string student, string submissionKey, string testSuiteHash);

    /// <summary>The student's latest grade, whatever was graded: what a regrade compares with.</summary>
    GradebookEntry? LatestGrade(string assignment, string student);

    /// <summary>Adds the row and commits it; returns it with its <see cref="GradebookEntry.Id"/>.</summary>
    GradebookEntry Record(GradebookEntry entry);
}
