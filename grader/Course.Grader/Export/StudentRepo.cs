namespace Course.Grader.Export;

/// <summary>
/// Where things are in a student repository made by <see cref="TemplateExport"/>. The student's project and public
/// tests sit at the root; <see cref="CourseFolder"/> is a small course repo of its own (Course.sln, the grader's
/// sources, the build settings, and the trusted manifest, starter and public tests), so the grader runs there as here.
/// </summary>
public static class StudentRepo
{
    /// <summary>The course repo inside the student repo; the workflow passes it to <c>course-grade --root</c>.</summary>
    public const string CourseFolder = ".course";

    public const string WorkflowPath = ".github/workflows/classroom.yml";

    /// <summary>The id of the workflow step that grades; the reporter reads <c>GRADE_RESULTS</c> for it.</summary>
    public const string GradeStepId = "grade";

    /// <summary>
    /// What the workflow runs, from the repo root: the public tests only, on the student files of the project folder
    /// at the root (never those of the trusted copy in <see cref="CourseFolder"/>).
    /// </summary>
    public static string GradeCommand(string assignment, string project) =>
        $"dotnet run --project {CourseFolder}/grader/Course.Grade -- {assignment} --root {CourseFolder} --public-only --submission {project}";
}
