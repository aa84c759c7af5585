using Course.Grader.Manifest;
using Course.Grader.Report;
using Course.Grader.Workspace;

namespace Course.Grade;

/// <summary>
/// A report names student files as the manifest does (<c>Attention.cs</c>); GitHub attaches a workflow
/// annotation only to a path from the repository root (<c>Hw3.Attention/Attention.cs</c>).
/// </summary>
internal static class WorkspaceAnnotations
{
    /// <summary>The view with annotation paths from <paramref name="workspace"/>, when the submission is a folder inside it.</summary>
    public static ReportView InWorkspace(ReportView view, Submission submission, AssignmentManifest manifest, string workspace)
    {
        if (submission.Kind != SubmissionKind.Folder) return view;
        var project = Path.Combine(submission.Location, StudentPaths.Find(submission.Location, manifest).ProjectFolder);
        var folder = Path.GetRelativePath(Path.GetFullPath(workspace), Path.GetFullPath(project)).Replace('\\', '/');
        if (folder.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(folder)) return view;
        // The folder is the student's to name: a report's text stays clean of control characters (see ReportText).
        var paths = new StudentPaths(folder == "." ? "" : ReportText.Line(folder));
        return view with { Report = view.Report with { Annotations = [.. view.Report.Annotations.Select(a => a with { File = paths.InRepository(a.File) })] } };
    }
}
