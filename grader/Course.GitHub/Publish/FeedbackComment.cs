using Course.Grader.Report;

namespace Course.GitHub.Publish;

/// <summary>
/// The one comment with a grade on the feedback pull request, found again on later runs by a hidden marker and edited in
/// place, so a student who pushes ten times sees one comment, not ten.
/// </summary>
public static class FeedbackComment
{
    /// <summary>The title GitHub Classroom gives the pull request it opens for feedback.</summary>
    public const string ClassroomPullRequestTitle = "Feedback";

    const int CommentLimit = 65_536;

    public static string Marker(string assignment) => $"<!-- course-grade:{assignment} -->";

    public static string Body(ReportView view)
    {
        var marker = Marker(view.Report.Assignment);
        return marker + "\n" + MarkdownReport.Write(view, Math.Min(MarkdownReport.CheckRunLimit, CommentLimit) - marker.Length - 1);
    }

    public static bool IsFor(string? body, string assignment) => body?.Contains(Marker(assignment), StringComparison.Ordinal) == true;
}
