using Course.Cli;
using Spectre.Console;

namespace Course.Grader.Tests.Gradebook;

/// <summary>
/// Runs `course gradebook …` in process on a plain console. Unlike <see cref="Cli.CourseCli"/> it adds no --root:
/// a gradebook is read wherever it is, with no course repo needed.
/// </summary>
static class ExportCli
{
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        var exitCode = CourseApp.Run(["gradebook", "export", .. args], console);
        return (exitCode, output.ToString()); // as written: the CSV's CRLF line ends are part of what is tested
    }
}
