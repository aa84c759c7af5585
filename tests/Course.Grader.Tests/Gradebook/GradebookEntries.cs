using Course.Grader.Batch;

namespace Course.Grader.Tests.Gradebook;

/// <summary>Gradebook rows written by hand, for the tests of storing, diffing and exporting them without grading.</summary>
static class GradebookEntries
{
    public const string Assignment = "hw3-attention";
    public const string Suite = "5uite";
    public static readonly DateTimeOffset GradedAt = new(2025, 3, 2, 9, 30, 0, TimeSpan.Zero);

    /// <summary>A row with the given tests (name → passed, each worth <paramref name="points"/>).</summary>
    public static GradebookEntry Graded(string student, params (string Name, bool Passed)[] tests) =>
        Graded(student, 10, tests);

    public static GradebookEntry Graded(string student, double points, params (string Name, bool Passed)[] tests) => new(
        Assignment, student, $"/downloads/{student}.zip", null, $"sha256:{student}", "1.0.0", Suite, EntryStatus.Graded,
        tests.Count(t => t.Passed) * points, tests.Length * points,
        [.. tests.Select(t => new GradedTest(t.Name, "Hw3.Attention.Tests", t.Passed, t.Passed ? points : 0, points))],
        false, GradedAt.AddDays(-2), SubmissionTimeSource.FileTime, GradedAt, $"{student}'s summary", null);

    public static GradebookEntry Error(string student, string message = "IOException: the disk is full") =>
        Graded(student) with { Status = EntryStatus.Error, Message = message, MaxScore = 0 };

    public static GradebookEntry NoSubmission(string student) =>
        Graded(student) with { Status = EntryStatus.NoSubmission, SubmissionKey = BatchRunner.NoSubmissionKey, SubmittedAt = null, TimeSource = SubmissionTimeSource.None, MaxScore = 0, Message = "more than one submission" };

    /// <summary>A class of five: full marks, a late partial, a compile error, no submission and a grader error.</summary>
    public static IReadOnlyList<GradebookEntry> SmallClass()
    {
        (string, bool)[] Tests(bool mask, bool scores, bool heads, bool model) =>
            [("CausalMaskTests.Masks_TheFuture", mask), ("AttentionTests.Scores_AreScaled", scores), ("MultiHeadTests.Heads_Concatenate", heads), ("TransformerTests.Residual_IsAdded", model)];
        return
        [
            Graded("alice", 25, Tests(true, true, true, true)) with { Id = 1 },
            Graded("bob", 25, Tests(true, false, true, false)) with { Id = 2, Late = true, SubmittedAt = GradedAt.AddDays(-1) },
            Graded("dave", 25, Tests(false, false, false, false)) with { Id = 3, Status = EntryStatus.CompileError },
            NoSubmission("ivan") with { Id = 4 },
            Error("mallory") with { Id = 5 },
        ];
    }
}
