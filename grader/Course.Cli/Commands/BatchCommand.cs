using System.ComponentModel;
using Course.Gradebook;
using Course.Grader.Batch;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Course.Cli.Commands;

/// <summary>
/// `course batch &lt;assignment&gt; --dir DIR`: grades a class's submissions in parallel into an SQLite gradebook,
/// skipping what it already holds, so that a stopped batch resumes where it was.
/// </summary>
internal sealed class BatchCommand(IAnsiConsole console, BatchRestart restart) : AsyncCommand<BatchCommand.Settings>
{
    public sealed class Settings : BatchSourceOptions
    {
        [CommandArgument(0, "<assignment>")]
        [Description("The homework, e.g. hw3-attention.")]
        public string Assignment { get; init; } = "";

        [CommandOption("--deadline <ISO8601>")]
        [Description("Submissions after it are marked late, e.g. 2025-03-01T23:59:00+01:00 (no offset: UTC). Default: the manifest's due_date.")]
        public string? Deadline { get; init; }

        [CommandOption("--extensions <FILE>")]
        [Description("A CSV with the header student,deadline: per-student deadlines that replace --deadline.")]
        public string? Extensions { get; init; }

        [CommandOption("-j|--jobs <N>")]
        [Description("How many submissions to grade at once. Default: the number of cores.")]
        public int Jobs { get; init; } = Environment.ProcessorCount;

        [CommandOption("--gradebook <FILE>")]
        [Description("The SQLite gradebook to add the grades to (made if missing). Default: gradebook.db.")]
        public string Gradebook { get; init; } = "gradebook.db";

        [CommandOption("--regrade")]
        [Description("Grade again what the gradebook already holds, and print what changed per student.")]
        public bool Regrade { get; init; }

        [CommandOption("--post")]
        [Description("Post each new grade back to the student (sources that can, such as GitHub).")]
        public bool Post { get; init; }

        [CommandOption("--public-only")]
        [Description("Run only the public tests (a trial run; the grades are kept apart from those with hidden tests).")]
        public bool PublicOnly { get; init; }

        [CommandOption("--shard <K/N>")]
        [Description("Grade only share k of N (1 ≤ k ≤ N), for N runners that each grade a part of the class: a student is in share " +
            "1 + (SHA-256 of the login, lower-cased) mod N, so each runner may list the class itself. Merge the runners' gradebooks with `course gradebook merge`.")]
        public string? Shard { get; init; }

        [CommandOption("--root <DIR>")]
        [Description("The course repo (default: the nearest folder upwards holding Course.sln).")]
        public string? Root { get; init; }

        [CommandOption(BatchRestart.AfterRowOption + " <ROW>", IsHidden = true)]
        [Description("Set by the batch when it restarts itself: the gradebook's last row when it began.")]
        public long? ContinuesAfterRow { get; init; }

        [CommandOption(BatchRestart.UnpostedOption + " <STUDENT>", IsHidden = true)]
        [Description("Set by the batch when it restarts itself: a student whose grade it could not post before.")]
        public string[] Unposted { get; init; } = [];

        public override ValidationResult Validate()
        {
            var source = base.Validate();
            if (!source.Successful) return source;
            if (Jobs < 1) return ValidationResult.Error("--jobs must be at least 1");
            if (Shard is not null && Grader.Batch.Shard.Parse(Shard, out var problem) is null) return ValidationResult.Error(problem!);
            if (Deadline is not null && !DeadlineExtensions.TryParseTime(Deadline, out _))
                return ValidationResult.Error($"--deadline: '{Deadline}' is not an ISO 8601 time");
            if (Extensions is not null && !File.Exists(Extensions))
                return ValidationResult.Error($"--extensions: no file {Extensions}");
            return ValidationResult.Success();
        }
    }

    public override ValidationResult Validate(CommandContext context, Settings settings) =>
        CommandLayout.ValidateAssignment(settings.Root, settings.Assignment, out _);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (exitCode, continuation) = await GradeAsync(settings, cancellationToken);
        if (continuation is null) return exitCode;
        // Every stream and the gradebook are closed: the new image opens them afresh.
        var problem = restart.Exec(continuation);
        console.Profile.Out.Writer.WriteLine($"error: {problem}; run the same command again to grade the rest");
        return ExitCodes.Failed;
    }

    /// <returns>The exit code, or how the batch goes on in a fresh process.</returns>
    async Task<(int ExitCode, BatchContinuation? Continuation)> GradeAsync(Settings settings, CancellationToken cancellationToken)
    {
        CommandLayout.ValidateAssignment(settings.Root, settings.Assignment, out var layout);
        var output = console.Profile.Out.Writer;
        // Every line names students and quotes their grades' summaries: under Actions, none of it is a workflow command.
        using var block = StopCommandsBlock.Open(output);
        IReadOnlyDictionary<string, DateTimeOffset> extensions;
        try
        {
            extensions = settings.Extensions is { } file ? DeadlineExtensions.Read(file) : new Dictionary<string, DateTimeOffset>();
        }
        catch (FormatException e)
        {
            output.WriteLine($"error: --extensions: {e.Message}");
            return (ExitCodes.BadArguments, null);
        }
        var source = settings.CreateSource();
        IGradePoster? poster = null;
        if (settings.Post && (poster = source as IGradePoster) is null)
        {
            output.WriteLine("error: --post: this source has nowhere to post grades; only GitHub sources can");
            return (ExitCodes.BadArguments, null);
        }
        DateTimeOffset? deadline = settings.Deadline is { } text && DeadlineExtensions.TryParseTime(text, out var given)
            ? given
            : layout!.LoadManifest(settings.Assignment).DueDate;

        using var gradebook = SqliteGradebook.Open(settings.Gradebook);
        var continues = settings.ContinuesAfterRow is { } row ? new BatchContinuation(row, settings.Unposted.ToHashSet(StringComparer.Ordinal)) : null;
        var request = new BatchRequest(settings.Assignment, layout!, source, new DeadlinePolicy(deadline, extensions), settings.Jobs,
            settings.Regrade, poster, IncludeHidden: !settings.PublicOnly, Shard: settings.Shard is { } shard ? Shard.Parse(shard, out _) : null,
            StopWhenWorkIsAbandoned: restart.Possible, Continues: continues);
        var began = continues?.AfterRow ?? gradebook.LastRow();
        BatchResult result;
        try
        {
            result = console.Profile.Capabilities.Interactive
                ? await RunWithProgressBarAsync(request, gradebook, cancellationToken)
                : await BatchRunner.RunAsync(request, gradebook, new BatchProgressLines(output), cancellationToken);
        }
        catch (GradebookBusyException e)
        {
            output.WriteLine($"error: {e.Message}");
            return (ExitCodes.Failed, null);
        }
        if (result.NotStarted > 0)
        {
            output.WriteLine($"restarting: a compile that ignored its time limit still runs in this process; the {result.NotStarted} submission(s) " +
                $"not yet graded go to a fresh one, and the {result.Outcomes.Count} done are in the gradebook");
            return (ExitCodes.Ok, new BatchContinuation(began, result.Outcomes.Where(o => o.PostError is not null).Select(o => o.Submission.Student).ToHashSet(StringComparer.Ordinal)));
        }
        BatchReportView.Write(console, result, gradebook.Path);
        return (result.GraderErrors == 0 ? ExitCodes.Ok : ExitCodes.Failed, null);
    }

    Task<BatchResult> RunWithProgressBarAsync(BatchRequest request, SqliteGradebook gradebook, CancellationToken cancellationToken) =>
        console.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(context => BatchRunner.RunAsync(request, gradebook, new BatchProgressBar(context.AddTask("grading")), cancellationToken));
}
