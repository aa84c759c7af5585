namespace Course.Grader.Batch;

/// <summary>
/// Where a batch keeps its grades, one row per grading, each kept as soon as it is recorded so that a batch
/// stopped half-way loses nothing. Implemented over SQLite by Course.Gradebook.
/// </summary>
public interface IGradebook
{
    /// <summary>The latest grade (not a grader error) of this submission with this test suite, or null: a rerun skips it.</summary>
    GradebookEntry? FindGrade(string assignment, string student, string submissionKey, string testSuiteHash);

    /// <summary>The student's latest grade up to row <paramref name="upToRow"/>, whatever was graded: what a regrade compares with.</summary>
    GradebookEntry? LatestGrade(string assignment, string student, long upToRow = long.MaxValue);

    /// <summary>The student's latest row after row <paramref name="afterRow"/>, grade or not: what a restarted batch recorded before it restarted.</summary>
    GradebookEntry? LatestRowAfter(string assignment, string student, long afterRow);

    /// <summary>The id of the latest row, of any assignment; 0 when there is none.</summary>
    long LastRow();

    /// <summary>Adds the row and commits it; returns it with its <see cref="GradebookEntry.Id"/>.</summary>
    GradebookEntry Record(GradebookEntry entry);

    /// <summary>Notes, and commits, that a grading starts: kept until <see cref="Finished"/>, so that a process that dies leaves it behind.</summary>
    void Started(InFlightGrading grading);

    /// <summary>Forgets every grading of the student's <paramref name="assignment"/> noted as started: their row is recorded.</summary>
    void Finished(string assignment, string student);

    /// <summary>The gradings of the assignment noted as started and never finished, oldest first.</summary>
    IReadOnlyList<InFlightGrading> Unfinished(string assignment);

    /// <summary>
    /// Holds the assignment's gradings in this gradebook for one batch until disposed, and for no longer than its process
    /// lives. A batch takes the gradings it finds <see cref="Unfinished"/> for deaths, so a second batch of the assignment
    /// running beside it would take the first one's gradings in flight for deaths (and both would grade, and post to, the
    /// same students): it is refused instead.
    /// </summary>
    /// <exception cref="GradebookBusyException">Another batch of the assignment holds the gradebook.</exception>
    IDisposable HoldForBatch(string assignment);
}
