using Course.Grader.Manifest;

namespace Course.Grader.Export;

/// <summary>The Markdown a student repo explains itself with: the handout, and notes on the course folder.</summary>
internal static class TemplateReadmes
{
    /// <summary>README.md: the handout, then how the repo is graded and how to see that grade locally.</summary>
    public static TemplateFile Student(AssignmentManifest manifest, string handout) => TemplateFile.Text("README.md", $"""
        {handout.TrimEnd()}

        ## Your grade in this repository
        Every push runs the public tests in GitHub Actions (`{StudentRepo.WorkflowPath}`) and reports their points to
        GitHub Classroom, with a summary of the run and notes on your lines. To get the same report on your machine:

            {StudentRepo.GradeCommand(manifest.Id, manifest.Project)}

        Only {string.Join(", ", manifest.StudentFiles.Select(f => $"`{manifest.Project}/{f}`"))} are graded.
        `{StudentRepo.CourseFolder}/` holds the course's grader and the copies of the starter and public tests it grades with:
        leave it as it is. Your final grade comes from the instructors' grader, with the hidden tests too.

        """);

    /// <summary>.course/README.md: what the folder is, and why two of its folders are stand-ins.</summary>
    public static TemplateFile CourseFolder(AssignmentManifest manifest) => TemplateFile.Text($"{StudentRepo.CourseFolder}/README.md", $"""
        # The course's grader

        This folder is a small copy of the course repository, so that the workflow (and you) can grade this repository
        on its public tests exactly as the course does:

            {StudentRepo.GradeCommand(manifest.Id, manifest.Project)}

        - `grader/`: the grader's source: the `course-grade` command line, the grading pipeline, the process the tests run in,
          and the test SDK the public tests use.
        - `{CourseLayout.AssignmentsFolder}/{manifest.Id}/{AssignmentManifest.FileName}` and `{CourseLayout.StarterFolder}/{manifest.Id}/`: the homework's
          manifest, starter and public tests. Only the student files are taken from `{manifest.Project}/` at the root of this
          repository; everything else comes from here.
        - `{CourseLayout.ReferenceFolder}/{manifest.Id}/` and `{CourseLayout.AssignmentsFolder}/{manifest.Id}/{manifest.HiddenTests}/`: stand-ins for the folders
          the grader's manifest check asks for. The first is the starter again, not a solution; the hidden tests run only
          in the instructors' grader.
        - `Directory.Build.props`, `Directory.Build.targets`, `Directory.Packages.props`, `build/`: the course's build
          settings, which the files of the same names at the root of this repository import.

        Leave it all as it is: your grade comes from the instructors' copy of the grader.

        """);

    /// <summary>Git keeps no empty folders: this file keeps the hidden tests' folder that the manifest names.</summary>
    public static TemplateFile HiddenTestsStandIn(AssignmentManifest manifest) => TemplateFile.Text(
        $"{StudentRepo.CourseFolder}/{CourseLayout.AssignmentsFolder}/{manifest.Id}/{manifest.HiddenTests}/README.md", """
        The hidden tests are not here: they run only in the instructors' grader. The folder exists because the
        homework's manifest names it.

        """);
}
