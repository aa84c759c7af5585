namespace Course.Grader.Export;

/// <summary>
/// The root build files of a student repo. Each imports its namesake in <see cref="StudentRepo.CourseFolder"/>, a verbatim
/// copy of the course's: one set of settings (strict compiler, package versions, TorchSharp and its native patch) for the
/// student's projects and the grader alike, and <c>$(CourseRoot)</c> names the folder that holds <c>grader/</c>, as in the course repo.
/// </summary>
internal static class BuildForwarders
{
    public static readonly IReadOnlyList<string> FileNames = ["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props"];

    public static TemplateFile For(string fileName) => TemplateFile.Text(fileName, $"""
        <Project>
          <!-- The course's build settings, shared with its grader in {StudentRepo.CourseFolder}/: leave them as they are. -->
          <Import Project="$(MSBuildThisFileDirectory){StudentRepo.CourseFolder}/{fileName}" />
        </Project>

        """);
}
