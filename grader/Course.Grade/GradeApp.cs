using Spectre.Console;
using Spectre.Console.Cli;

namespace Course.Grade;

/// <summary>
/// <c>course-grade</c>: the student-side grader, the `grade` command of <c>course</c> without publishing, built from
/// Course.Grader and the test worker only. A student repository runs it; runnable against any console so tests can read it.
/// </summary>
internal static class GradeApp
{
    public static int Run(IEnumerable<string> args, IAnsiConsole console)
    {
        var app = new CommandApp<GradeCommand>();
        app.Configure(config =>
        {
            config.SetApplicationName("course-grade");
            Configure(config, console);
            config.AddExample("hw3-attention", "--root", ".course", "--public-only", "--submission", "Hw3.Attention");
        });
        return app.Run(args);
    }

    /// <summary>What `course` and `course-grade` share: strict parsing, the console, and errors printed as one line.</summary>
    public static void Configure(IConfigurator config, IAnsiConsole console)
    {
        config.Settings.StrictParsing = true;
        config.ValidateExamples();
        config.ConfigureConsole(console);
        config.Settings.Registrar.RegisterInstance(console);
        config.SetExceptionHandler((exception, _) => Fail(exception, console));
    }

    static int Fail(Exception exception, IAnsiConsole console)
    {
        if (exception is CommandAppException { Pretty: { } pretty })
            console.Write(pretty);
        else
            console.Profile.Out.Writer.WriteLine($"error: {exception.Message}");
        return exception is CommandAppException ? ExitCodes.BadArguments : ExitCodes.Failed;
    }
}
