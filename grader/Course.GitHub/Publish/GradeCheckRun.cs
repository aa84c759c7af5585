using Course.Grader.Report;
using Course.Grader.Score;
using Course.Grader.Workspace;
using Octokit;

namespace Course.GitHub.Publish;

/// <summary>
/// The check run that shows a grade on the graded commit: named for the assignment, titled <c>Points X/Y</c>, with the
/// Markdown report as summary and the report's annotations on the student's lines.
/// </summary>
/// <remarks>
/// The conclusion: <c>success</c> for full marks; <c>neutral</c> for partial credit (graded, some points missing: a red
/// cross would read as "broken" on work that mostly stands); <c>failure</c> for zero points, a compile error or a
/// submission rejected for a banned API.
/// </remarks>
public static class GradeCheckRun
{
    /// <summary>GitHub takes at most 50 annotations per request; more go in later updates, which append.</summary>
    public const int AnnotationsPerRequest = 50;

    const int TitleLimit = 255;
    const int MessageLimit = 64 * 1024 - 1;

    public static string Name(string assignment) => $"Grade: {assignment}";

    public static string Title(GradeReport report) => $"Points {ScoreStage.Format(report.Score)}/{ScoreStage.Format(report.MaxScore)}";

    public static CheckConclusion Conclusion(GradeReport report) =>
        report.Status != GradeStatus.Graded || (report.Score <= 0 && report.MaxScore > 0) ? CheckConclusion.Failure
        : report.Score >= report.MaxScore ? CheckConclusion.Success
        : CheckConclusion.Neutral;

    public static NewCheckRunOutput Output(ReportView view, IReadOnlyList<NewCheckRunAnnotation> annotations) =>
        new(Title(view.Report), MarkdownReport.Write(view, MarkdownReport.CheckRunLimit)) { Annotations = annotations };

    /// <summary>The report's annotations at repository paths; those with no file (nothing to point at) are left out.</summary>
    public static IReadOnlyList<NewCheckRunAnnotation> Annotations(GradeReport report, StudentPaths paths) =>
        report.Annotations.Where(a => a.File.Length > 0).Select(a =>
        {
            var line = Math.Max(1, a.Line);
            return new NewCheckRunAnnotation(paths.InRepository(a.File), line, line, Level(a.Level), TextCut.Ellipsis(a.Message, MessageLimit))
            {
                Title = TextCut.Ellipsis(a.Title, TitleLimit),
                // GitHub takes columns only on one-line annotations, and only both or neither.
                StartColumn = a.Column > 0 ? a.Column : null,
                EndColumn = a.Column > 0 ? a.Column : null,
            };
        }).ToList();

    static CheckAnnotationLevel Level(AnnotationLevel level) => level switch
    {
        AnnotationLevel.Failure => CheckAnnotationLevel.Failure,
        AnnotationLevel.Warning => CheckAnnotationLevel.Warning,
        _ => CheckAnnotationLevel.Notice,
    };
}
