using Course.Grader.Batch;

namespace Course.GitHub.Tests.Batch;

/// <summary>A batch listing as one line per student, so a test compares the whole class at once and a failure shows who differs.</summary>
static class SourceTable
{
    public static IReadOnlyList<string> Lines(ClassOf2025 course, IEnumerable<StudentSubmission> submissions) =>
        submissions.Select(s => Line(s.Student, course.Label(s.Repository, s.Commit), s.TimeSource, s.Late, s.LaterPushes, s.Problem)).ToList();

    public static string Line(string student, string label, SubmissionTimeSource source, bool late, int later, string? problem = null) =>
        $"{student}: {label} by {source}{(late ? ", late" : "")}{(later > 0 ? $", {later} later" : "")}{(problem is null ? "" : $" ({problem})")}";
}
