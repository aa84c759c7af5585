using System.ComponentModel;
using Course.Grader.Fairness;
using Course.Grader.Manifest;
using Course.Grader.Pipeline;
using Course.Grader.Report;
using Course.Grader.Run;
using Course.Grader.Score;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Course.Cli.Commands;

/// <summary>
/// `course validate &lt;assignment&gt;...`: are the tests fair to students? Several homeworks (or <c>--all</c>) are
/// validated in one process, which pays for loading and compiling the grader once; two at a time, sharing the
/// <c>--jobs</c> runs, so that one homework's last runs and the next one's first keep the cores busy together. Each
/// homework's section (its progress, tables and verdict) is written whole and in the order given.
/// </summary>
internal sealed class ValidateCommand(IAnsiConsole console) : AsyncCommand<ValidateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[assignments]")]
        [Description("The homeworks, e.g. hw3-attention; or --all.")]
        public string[] Assignments { get; init; } = [];

        [CommandOption("--all")]
        [Description("Validate every homework of the course repo, in the repo's order.")]
        public bool All { get; init; }

        [CommandOption("--root <DIR>")]
        [Description("The course repo (default: the nearest folder upwards holding Course.sln).")]
        public string? Root { get; init; }

        [CommandOption("--jobs <N>")]
        [Description("How many variants (starter, stubbed regions, the noisy reference, the variants corpus) to grade at once, each in its own worker process, over every homework validated; default: the number of CPU cores.")]
        public int? Jobs { get; init; }

        [CommandOption("--messages")]
        [Description("Also print what a student with each bug of the corpus reads: the first line of each catching test's message, as the grade report shows it.")]
        public bool Messages { get; init; }

        public override ValidationResult Validate() =>
            Jobs is < 1 ? ValidationResult.Error("--jobs must be at least 1")
            : All == (Assignments.Length > 0) ? ValidationResult.Error("name the homeworks to validate, or give --all")
            : ValidationResult.Success();
    }

    /// <summary>How many homeworks are validated at once: the one whose section is being written, and the next.</summary>
    const int HomeworksAtOnce = 2;

    public override ValidationResult Validate(CommandContext context, Settings settings) =>
        CommandLayout.ValidateAssignments(settings.Root, settings.Assignments, out _);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        CommandLayout.ValidateAssignments(settings.Root, settings.Assignments, out var layout);
        var assignments = settings.All ? layout!.AssignmentIds() : settings.Assignments.Distinct(StringComparer.Ordinal).ToList();
        var jobs = settings.Jobs ?? Environment.ProcessorCount;
        var failed = new List<string>();
        var sections = new Sections(console.Profile.Out.Writer);
        // The homeworks' checks take turns in the same warm workers (all of them run the TA's own code), and in the same run slots.
        using var pool = new WorkerPool(WorkerLocation.Default());
        using var runSlots = new SemaphoreSlim(jobs);
        // A homework that fails to validate ends the command (the grader broke): the one beside it stops too.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = new Queue<(string Assignment, Task<ValidationReport> Report)>();
        var next = 0;
        void StartNext()
        {
            if (next == assignments.Count) return;
            var (assignment, index) = (assignments[next], next++);
            running.Enqueue((assignment, Task.Run(() => ValidatePipeline.ValidateAsync(layout!, assignment, progress: sections.ProgressOf(index),
                jobs: jobs, pool: pool, runSlots: runSlots, cancellationToken: stop.Token), stop.Token)));
        }
        for (var i = 0; i < HomeworksAtOnce; i++) StartNext();
        try
        {
            while (running.TryDequeue(out var head))
            {
                var report = await head.Report;
                if (!sections.WriteNext(() => Write(report, settings.Messages))) failed.Add(head.Assignment);
                StartNext();
            }
        }
        catch
        {
            await stop.CancelAsync();
            // Wait for the others to stop before the pool and the slots are disposed under them; their own errors say nothing more.
            try { await Task.WhenAll(running.Select(r => r.Report)); } catch (Exception) { }
            throw;
        }
        if (assignments.Count > 1)
            console.Profile.Out.Writer.WriteLine(failed.Count == 0
                ? $"validate: all {assignments.Count} homeworks are fair"
                : $"validate: FAILED for {failed.Count} of {assignments.Count} homeworks: {string.Join(", ", failed)}");
        return failed.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>Writes a homework's tables and findings.</summary>
    /// <returns>Whether the homework's tests are fair.</returns>
    bool Write(ValidationReport report, bool messages)
    {
        var output = console.Profile.Out.Writer;
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]validate {Markup.Escape(report.Assignment)}[/]")
            .AddColumn("Check").AddColumn(new TableColumn("Points").RightAligned()).AddColumn("Verdict");
        table.AddRow("homework files", "", report.Problems.Count == 0 ? "[green]ok[/]" : $"[red]FAIL: {report.Problems.Count} problem(s)[/]");
        table.AddRow("reference gets full marks", Points(report.Reference), report.ReferenceFullMarks ? "[green]ok[/]" : "[red]FAIL[/]");
        if (report.Noisy is { } noisy)
            table.AddRow("reference holds under float noise", Points(noisy), report.ReferenceHoldsUnderNoise ? "[green]ok[/]" : "[red]FAIL[/]");
        table.AddRow("starter gets zero", Points(report.Starter), report.StarterScoresZero ? "[green]ok[/]" : "[red]FAIL[/]");
        foreach (var region in report.Regions)
            // A stub runs on the narrowest test that reaches its region first, and on the others only if that one passes: its points say nothing.
            table.AddRow($"stub {Markup.Escape(region.Region)}", "",
                region.Guarded ? $"[green]guarded[/] by {region.FailingTests.Count} test(s)" : "[red]NOT GUARDED: no test loses points[/]");
        foreach (var check in report.Variants)
            // A bug runs only the tests that claim to catch it, so its points say nothing.
            table.AddRow($"{KindName(check.Variant.Kind)} {Markup.Escape(check.Variant.Name)}",
                check.Variant.Kind == VariantKind.Correct
                    ? $"{ScoreStage.Format(check.Checked.Sum(t => t.Score))}/{ScoreStage.Format(check.Checked.Sum(t => t.MaxScore))}"
                    : "",
                (check.Holds, check.Variant.Kind) switch
                {
                    (true, VariantKind.Correct) => $"[green]keeps every point[/] of {(check.RanOnly is null ? "all" : "the")} {check.Checked.Count} test(s) {(check.RanOnly is null ? "" : "that see its edits")}".TrimEnd(),
                    (true, VariantKind.Refused) => $"[green]refused[/] for {Markup.Escape(check.Variant.RefusedFor ?? "")}",
                    (false, VariantKind.Refused) => "[red]FAIL: not refused as said[/]",
                    (true, _) => $"[green]caught[/] by {check.Catchers.Count} test(s)",
                    (false, VariantKind.Correct) => "[red]FAIL: loses points[/]",
                    _ when check.Variant.CaughtBy.Count == 0 => "[red]NO caught_by[/] (see below)",
                    _ => "[red]NOT CAUGHT[/]",
                });
        console.Write(table);

        var timing = new Table().Border(TableBorder.Simple).Title("run time per test (reference)")
            .AddColumn("Test").AddColumn(new TableColumn("Seconds").RightAligned());
        foreach (var test in report.Reference.Tests.OrderByDescending(t => t.DurationSeconds))
            timing.AddRow(Markup.Escape(test.FullName), test.DurationSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture));
        console.Write(timing);

        var runs = new Table().Border(TableBorder.Simple).Title($"the slowest runs ({report.Timings.Count} in all, {report.Timings.Sum(t => t.WallSeconds):0} s of wall time)")
            .AddColumn("Run").AddColumn(new TableColumn("Wall s").RightAligned()).AddColumn(new TableColumn("Tests s").RightAligned()).AddColumn(new TableColumn("Tests run").RightAligned());
        foreach (var run in report.Timings.Take(10))
            runs.AddRow(Markup.Escape(run.What), Seconds(run.WallSeconds), Seconds(run.TestSeconds), run.TestsRun.ToString(System.Globalization.CultureInfo.InvariantCulture));
        console.Write(runs);

        if (messages)
            foreach (var check in report.Variants.Where(v => v.Variant.Kind == VariantKind.Bug))
                foreach (var caught in check.Catchers.Where(t => !t.Passed))
                    output.WriteLine($"bug {check.Variant.Name} reads {caught.Name}: {ReportView.FirstLine(caught.Message)}");

        foreach (var problem in report.Problems)
            output.WriteLine($"problem: {problem}");
        foreach (var failed in report.Reference.Tests.Where(t => !t.Passed))
            output.WriteLine($"reference fails {failed.FullName}: {failed.Message}");
        foreach (var failed in report.Noisy?.Tests.Where(t => !t.Passed) ?? [])
            output.WriteLine($"reference under float noise fails {failed.FullName}: {failed.Message}");
        foreach (var check in report.Variants.Where(v => !v.Holds))
            output.WriteLine($"{(check.Variant.Kind == VariantKind.Correct ? "correct variant" : KindName(check.Variant.Kind))} {check.Variant.Name} ({check.Variant.Why}): {check.Problem}");
        foreach (var passed in report.Starter.Tests.Where(t => t.Passed && t.MaxScore > 0))
            output.WriteLine($"starter passes {passed.FullName}");
        output.WriteLine(report.Passed ? "validate: the tests are fair" : "validate: FAILED");
        return report.Passed;
    }

    static string KindName(VariantKind kind) => kind switch { VariantKind.Correct => "correct", VariantKind.Refused => "refused", _ => "bug" };

    static string Seconds(double seconds) => seconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);

    static string Points(GradeReport report) => $"{ScoreStage.Format(report.Score)}/{ScoreStage.Format(report.MaxScore)}";

    /// <summary>
    /// Each homework's section of the output, whole and in order, while two are validated at once: the progress of the homework
    /// whose section is being written goes out at once, one whole line at a time (variants graded side by side report from
    /// several threads; Progress&lt;T&gt; would post it to the thread pool, out of order); the next one's is held until its turn.
    /// </summary>
    sealed class Sections(TextWriter output)
    {
        readonly Lock gate = new();
        readonly Dictionary<int, List<string>> held = [];
        int current;

        public IProgress<string> ProgressOf(int index) => new SectionProgress(this, index);

        /// <summary>Writes the current section's end, then what the next one has reported so far.</summary>
        public bool WriteNext(Func<bool> write)
        {
            lock (gate)
            {
                var result = write();
                current++;
                if (held.Remove(current, out var lines))
                    foreach (var line in lines) output.WriteLine(line);
                return result;
            }
        }

        void Report(int index, string line)
        {
            lock (gate)
            {
                if (index == current) output.WriteLine(line);
                else (held.TryGetValue(index, out var lines) ? lines : held[index] = []).Add(line);
            }
        }

        sealed class SectionProgress(Sections sections, int index) : IProgress<string>
        {
            public void Report(string value) => sections.Report(index, $"grading {value} ...");
        }
    }
}
