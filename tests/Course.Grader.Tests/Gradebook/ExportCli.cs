using Course.Grader.Tests.Cli;

namespace Course.Grader.Tests.Gradebook;

/// <summary>
/// Runs `course gradebook export …` in process. Unlike <see cref="CourseCli.Run"/> it adds no --root (a gradebook
/// is read wherever it is, with no course repo needed) and keeps the output as written: the CSV's CRLF line
/// ends are part of what is tested.
/// </summary>
static class ExportCli
{
    public static (int ExitCode, string Output) Run(params string[] args) => CourseCli.RunAsGiven(["gradebook", "export", .. args]);
}
