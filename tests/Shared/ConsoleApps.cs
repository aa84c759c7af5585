using Course.Cli;
using Spectre.Console;

namespace Course.Tests.Shared;

/// <summary>Runs a command-line app of the course (`course`, `course-grade`) in process, on a plain wide console whose output a test reads.</summary>
static class ConsoleApps
{
    /// <summary>`course` with the given arguments against the course repository at <paramref name="root"/>; line ends as '\n'.</summary>
    public static (int ExitCode, string Output) Course(string root, string[] args, int? width = 200)
    {
        var (exitCode, output) = Run(CourseApp.Run, [.. args, "--root", root], width);
        return (exitCode, output.Replace("\r\n", "\n"));
    }

    /// <summary>Exactly the given arguments; the output as written (line ends included).</summary>
    /// <param name="width">Columns; null keeps Spectre's own default (80), which snapshots taken on it need.</param>
    public static (int ExitCode, string Output) Run(Func<IEnumerable<string>, IAnsiConsole, int> app, string[] args, int? width = 200)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
            Interactive = InteractionSupport.No,
        });
        if (width is { } columns) console.Profile.Width = columns;
        var exitCode = app(args, console);
        return (exitCode, output.ToString());
    }
}
