using Course.Grader.Report;
using Snapshooter.NUnit;
using Spectre.Console.Testing;

namespace Course.Grader.Tests.Report;

public class ConsoleReportTests
{
    private static string Render(ReportView view)
    {
        var console = new TestConsole().Width(120);
        ConsoleReport.Write(console, view);
        return console.Output.Replace("\r\n", "\n");
    }

    [Test]
    public void Given_a_representative_report_When_written_to_a_terminal_Then_it_matches_the_reviewed_snapshot()
    {
        Snapshot.Match(Render(new ReportView(RepresentativeReport.Graded(), RevealHidden: false)));
    }

    [Test]
    public void Given_a_starters_stubs_When_written_Then_they_are_one_line_file_by_file_and_other_annotations_one_each()
    {
        static Course.Grader.Score.Annotation Stub(string file, int line) =>
            new(Course.Grader.Score.AnnotationLevel.Warning, file, line, 9, Course.Grader.Score.Annotation.StillAStub, "This part is still the starter's NotImplementedException.");
        var report = RepresentativeReport.Graded() with
        {
            Annotations = [Stub("Bigram.cs", 21), Stub("Sampling.cs", 12), Stub("Bigram.cs", 34),
                new(Course.Grader.Score.AnnotationLevel.Failure, "Bigram.cs", 40, 5, "not allowed: torch.bincount", "Count the pairs yourself.")],
        };

        var output = Render(new ReportView(report, RevealHidden: false));

        Assert.That(output, Does.Contain("still a stub (the starter's NotImplementedException) in 3 places: Bigram.cs (lines 21, 34), Sampling.cs (line 12)\n"));
        Assert.That(output, Does.Contain("Bigram.cs(40,5): not allowed: torch.bincount: Count the pairs yourself."));
        Assert.That(output.Split('\n').Count(l => l.Contains("still a stub", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public void Given_hidden_tests_revealed_When_written_Then_every_test_is_a_row_and_there_is_no_hidden_row()
    {
        var output = Render(new ReportView(RepresentativeReport.Graded(), RevealHidden: true));

        Assert.That(output, Does.Contain("AttentionHeadTests.Training_Converges").And.Not.Contain("HIDDEN"));
    }

    [Test]
    public void Given_an_emoji_shortcode_or_markup_in_a_message_When_written_Then_it_shows_as_typed()
    {
        // A red team's message (stop 59): a shortcode that markup turned into a check mark inside a FAIL row.
        var report = RepresentativeReport.Graded() with
        {
            Tests = [.. RepresentativeReport.Graded().Tests.Select(t => t.Passed ? t : t with { Message = "fine :check_mark_button: [bold]passed[/]" })],
        };

        var output = Render(new ReportView(report, RevealHidden: false));

        Assert.That(output, Does.Contain("fine :check_mark_button: [bold]passed[/]").And.Not.Contain("✅"));
    }

    [Test, SetCulture("de-DE")]
    public void Given_a_culture_with_a_decimal_comma_When_written_Then_numbers_still_use_a_decimal_point()
    {
        var output = Render(new ReportView(RepresentativeReport.Graded(), RevealHidden: false));

        Assert.That(output, Does.Contain("Score: 12/26 (46.2%)"));
    }
}

/// <summary>Every report that ran student code says which sandbox layers held, and names those that did not with the reason.</summary>
public class SandboxNoteTests
{
    static readonly Course.Grader.Sandbox.SandboxLayer[] SomeInactive =
    [
        new("environment", true, "an allow-list of 9 variables"),
        new("landlock-net", false, "kernel Landlock ABI 3 has no network rules"),
        new("seccomp", true, "denies exec"),
    ];

    [Test]
    public void Given_a_layer_that_did_not_hold_When_reported_Then_console_and_Markdown_name_it_with_its_reason()
    {
        var report = RepresentativeReport.Graded() with { Sandbox = SomeInactive };
        var console = new TestConsole().Width(200);

        ConsoleReport.Write(console, new ReportView(report, RevealHidden: false));
        var markdown = MarkdownReport.Write(new ReportView(report, RevealHidden: false));

        const string note = "Student code ran in a sandbox with 2 of 3 layers active; not active: landlock-net (kernel Landlock ABI 3 has no network rules).";
        Assert.That(console.Output, Does.Contain(note));
        Assert.That(markdown, Does.Contain($"<sub>{note}</sub>"));
    }

    [Test]
    public void Given_every_layer_active_When_reported_Then_the_note_lists_them_and_JSON_keeps_each_layer()
    {
        var report = RepresentativeReport.Graded() with { Sandbox = [.. SomeInactive.Select(l => l with { Active = true })] };

        Assert.That(report.SandboxNote, Is.EqualTo("Student code ran in a sandbox with all 3 layers active (environment, landlock-net, seccomp)."));
        Assert.That(JsonReport.Read(JsonReport.Write(report)).Sandbox, Is.EqualTo(report.Sandbox));
    }

    [Test]
    public void Given_nothing_ran_When_reported_Then_there_is_no_sandbox_note()
    {
        var report = RepresentativeReport.Graded();

        Assert.That(report.SandboxNote, Is.Null);
        Assert.That(MarkdownReport.Write(new ReportView(report, RevealHidden: false)), Does.Not.Contain("sandbox"));
    }
}
