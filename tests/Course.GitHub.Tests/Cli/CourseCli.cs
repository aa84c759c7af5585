using Course.Cli;
using Course.Tests.Shared;

namespace Course.GitHub.Tests.Cli;

/// <summary>Runs `course` in process against this repo, on a plain wide console whose output the test reads.</summary>
static class CourseCli
{
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var (exitCode, output) = ConsoleApps.Run(CourseApp.Run, [.. args, "--root", Hw3Files.Layout.Root]);
        return (exitCode, output.Replace("\r\n", "\n"));
    }
}
