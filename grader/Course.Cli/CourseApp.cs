using Course.Cli.Commands;
using Course.Grade;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Course.Cli;

/// <summary>The `course` command line, runnable against any console so tests can read its output.</summary>
internal static class CourseApp
{
    /// <summary>Inside another process (tests): `course batch` cannot restart it.</summary>
    public static int Run(IEnumerable<string> args, IAnsiConsole console) => Run(args, console, BatchRestart.None);

    /// <param name="restart">How `course batch` restarts its process.</param>
    public static int Run(IEnumerable<string> args, IAnsiConsole console, BatchRestart restart)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("course");
            GradeApp.Configure(config, console);
            config.Settings.Registrar.RegisterInstance(restart);
            config.AddCommand<SyncCommand>("sync")
                .WithDescription("Regenerate starter/<id> from the solution markers in reference/<id>.")
                .WithExample("sync", "hw3-attention")
                .WithExample("sync", "--all", "--check");
            config.AddCommand<NewCommand>("new")
                .WithDescription("Scaffold a new homework that validates at once: reference, public and hidden tests, manifest, handout, variants, starter, Course.sln entries.")
                .WithExample("new", "hw10-example", "--title", "An example", "--project", "Hw10.Example");
            config.AddCommand<GradeAndPostCommand>("grade")
                .WithDescription("Grade one submission: compile, check, run the tests, score and report.")
                .WithExample("grade", "hw3-attention")
                .WithExample("grade", "hw3-attention", "--submission", "path/to/student-repo@main", "--out", "grades");
            config.AddCommand<ValidateCommand>("validate")
                .WithDescription("Check that a homework's tests are fair: reference full marks, starter zero, every solution region guarded.")
                .WithExample("validate", "hw3-attention")
                .WithExample("validate", "--all");
            config.AddCommand<BatchCommand>("batch")
                .WithDescription("Grade a class's submissions in parallel into an SQLite gradebook; a rerun skips what is already graded.")
                .WithExample("batch", "hw3-attention", "--dir", "downloads/hw3", "--deadline", "2025-03-01T23:59:00Z", "--jobs", "4")
                .WithExample("batch", "hw3-attention", "--dir", "downloads/hw3", "--extensions", "extensions.csv", "--regrade")
                .WithExample("batch", "hw3-attention", "--org", "my-course", "--prefix", "hw3-attention-", "--shard", "2/10", "--gradebook", "shard-2.db");
            config.AddBranch("gradebook", gradebook =>
            {
                gradebook.SetDescription("Read and merge the gradebooks `course batch` writes.");
                gradebook.AddCommand<GradebookExportCommand>("export")
                    .WithDescription("Export each student's latest grade: csv (for an LMS), histogram (PNG) or markdown (a summary).")
                    .WithExample("gradebook", "export", "hw3-attention", "--format", "csv", "--out", "hw3.csv")
                    .WithExample("gradebook", "export", "hw3-attention", "--format", "histogram", "--out", "hw3.png");
                gradebook.AddCommand<GradebookMergeCommand>("merge")
                    .WithDescription("Merge gradebooks (e.g. the shards of `course batch --shard k/N`) into a new one. " + GradebookMergeCommand.Rule)
                    .WithExample("gradebook", "merge", "--out", "hw3.db", "shard-1.db", "shard-2.db", "shard-3.db");
            });
            config.AddCommand<ExportCommand>("export")
                .WithDescription("Write the students' template repository: starter, public tests, handout, Classroom workflow and the grader; " +
                    "with --instructor, the course repository's sharded grading workflow instead.")
                .WithExample("export", "hw3-attention", "--out", "../hw3-attention-template")
                .WithExample("export", "hw4-transformer", "--instructor", "--out", ".", "--shards", "20", "--runner-label", "ubuntu-latest");
        });
        return app.Run(args);
    }
}
