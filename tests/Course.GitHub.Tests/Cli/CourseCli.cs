using Course.Tests.Shared;

namespace Course.GitHub.Tests.Cli;

/// <summary>Runs `course` in process against this repo, on a plain wide console whose output the test reads.</summary>
static class CourseCli
{
    public static (int ExitCode, string Output) Run(params string[] args) => ConsoleApps.Course(Hw3Files.Layout.Root, args);
}
