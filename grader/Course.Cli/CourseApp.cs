using Course.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Course.Cli;

/// <summary>The `course` command line, runnable against any console so tests can read its output.</summary>
internal static class CourseApp
{
    public static int Run(IEnumerable<string> args, IAnsiConsole console)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("course");
            config.Settings.StrictParsing = true;
            config.ValidateExamples();
            config.ConfigureConsole(console);
            config.Settings.Registrar.RegisterInstance(console);
            config.SetExceptionHandler((exception, _) => Fail(exception, console));
            config.AddCommand<SyncCommand>("sync")
                .WithDescription("Regenerate starter/<id> from the solution markers in reference/<id>.")
                .WithExample("sync", "hw3-attention")
                .WithExample("sync", "--all", "--check");
            config.AddCommand<GradeCommand>("grade")
                .WithDescription("Grade one submission: compile, check, run the tests, score and report.")
                .WithExample("grade", "hw3-attention")
                .WithExample("grade", "hw3-attention", "--submission", "path/to/student-repo@main", "--out", "grades");
            config.AddCommand<ValidateCommand>("validate")
                .WithDescription("Check that a homework's tests are fair: reference full marks, starter zero, every solution region guarded.")
                .WithExample("validate", "hw3-attention");
        });
        return app.Run(args);
    }

    private static int Fail(Exception exception, IAnsiConsole console)
    {
        if (exception is CommandAppException { Pretty: { } pretty })
            console.Write(pretty);
        else
            console.Profile.Out.Writer.WriteLine($"error: {exception.Message}");
        return exception is CommandAppException ? ExitCodes.BadArguments : ExitCodes.Failed;
    }
}
