using Course.Cli;
using Course.Grader.Tests.Pipeline;
using Course.Tests.Shared;
using Spectre.Console;

namespace Course.Grader.Tests.Cli;

/// <summary>Runs `course` in process against this repo, on a plain wide console whose output the test reads.</summary>
static class CourseCli
{
    public static (int ExitCode, string Output) Run(params string[] args) => ConsoleApps.Course(Hw3Submissions.Layout.Root, args);

    /// <summary>Exactly the given arguments, output as written (line ends included).</summary>
    public static (int ExitCode, string Output) RunAsGiven(string[] args) => RunApp(CourseApp.Run, args);

    /// <summary>A command-line app (`course`, `course-grade`) with exactly the given arguments, output as written.</summary>
    public static (int ExitCode, string Output) RunApp(Func<IEnumerable<string>, IAnsiConsole, int> app, string[] args) => ConsoleApps.Run(app, args);
}
