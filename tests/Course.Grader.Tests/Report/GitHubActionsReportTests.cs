using System.Xml.Linq;
using Course.Grader.Report;
using Course.Grader.Score;
using static Course.Grader.Tests.Score.ScoreInputs;

namespace Course.Grader.Tests.Report;

public class GitHubActionsReportTests
{
    private string outputFile = null!;
    private string summaryFile = null!;

    [SetUp]
    public void CreateFiles() => (outputFile, summaryFile) = (Path.GetTempFileName(), Path.GetTempFileName());

    [TearDown]
    public void DeleteFiles()
    {
        File.Delete(outputFile);
        File.Delete(summaryFile);
    }

    [Test]
    public void Given_a_message_Then_data_escapes_percent_and_line_breaks_only()
    {
        Assert.That(GitHubActionsReport.Data("100% done\r\nnext: a,b"), Is.EqualTo("100%25 done%0D%0Anext: a,b"));
    }

    [Test]
    public void Given_a_property_Then_colons_and_commas_are_escaped_too()
    {
        Assert.That(GitHubActionsReport.Property("C:\\hw,1%\n"), Is.EqualTo("C%3A\\hw%2C1%25%0A"));
    }

    [Test]
    public void Given_an_actions_environment_When_emitted_Then_the_step_output_and_summary_are_appended()
    {
        File.WriteAllText(outputFile, "earlier=1\n");
        File.WriteAllText(summaryFile, "# Earlier step\n");
        var view = new ReportView(RepresentativeReport.Graded(), RevealHidden: false);

        GitHubActionsReport.Emit(view, new GitHubActionsReport.Environment(outputFile, summaryFile));

        Assert.That(File.ReadAllText(outputFile), Is.EqualTo($"earlier=1\nresult={ClassroomResult.Base64(view)}\n"));
        Assert.That(File.ReadAllText(summaryFile), Is.EqualTo("# Earlier step\n" + MarkdownReport.Write(view)));
    }

    [Test]
    public void Given_no_actions_environment_When_emitted_Then_only_the_commands_are_returned()
    {
        var view = new ReportView(RepresentativeReport.Graded(), RevealHidden: false);

        var commands = GitHubActionsReport.Emit(view, new GitHubActionsReport.Environment(null, ""));

        Assert.That(commands, Is.EqualTo(GitHubActionsReport.Commands(view)));
    }

    [Test]
    public void Given_annotations_When_emitted_Then_each_becomes_a_workflow_command_and_the_points_close_the_list()
    {
        var annotations = new[]
        {
            new Annotation(AnnotationLevel.Failure, "Heads/AttentionHead.cs", 17, 9, "error CS1002", "; expected\nline two"),
            new Annotation(AnnotationLevel.Warning, "CausalMask.cs", 8, 13, "still a stub", "Implement me: 100%"),
            new Annotation(AnnotationLevel.Notice, "CausalMask.cs", 1, 1, "note", "fyi"),
        };
        var report = ScoreStage.Score(Input([Passed(Test("Forward_IsCausal", 2)), Failed(Test("Mask_HidesTheFuture", 1.5))], annotations: annotations));

        var commands = GitHubActionsReport.Emit(new ReportView(report, RevealHidden: false), new GitHubActionsReport.Environment(outputFile, summaryFile));

        Assert.That(commands.Split('\n'), Is.EqualTo(new[]
        {
            "::error file=Heads/AttentionHead.cs,line=17,col=9,title=error CS1002::; expected%0Aline two",
            "::warning file=CausalMask.cs,line=8,col=13,title=still a stub::Implement me: 100%25",
            "::notice file=CausalMask.cs,line=1,col=1,title=note::fyi",
            "::notice title=hw3-attention::Points 2/3.5",
            "",
        }));
    }

    private static string[] CommandsFor(IEnumerable<Annotation> annotations)
    {
        var report = ScoreStage.Score(Input([Passed(Test("Forward_IsCausal", 2))], annotations: [.. annotations]));
        return GitHubActionsReport.Commands(new ReportView(report, RevealHidden: false)).TrimEnd('\n').Split('\n');
    }

    private static Annotation CompileError(int line) => new(AnnotationLevel.Failure, "AttentionHead.cs", line, 5, "error CS1002", "; expected");

    [Test]
    public void Given_more_annotations_than_github_shows_Then_ten_are_emitted_the_last_before_the_points_counting_the_rest()
    {
        var commands = CommandsFor(Enumerable.Range(1, 34).Select(CompileError));

        Assert.That(commands, Has.Length.EqualTo(GitHubActionsReport.MaxAnnotations));
        Assert.That(commands.Take(8), Has.All.StartWith("::error file=AttentionHead.cs,line="));
        Assert.That(commands[8], Is.EqualTo("::error title=26 more annotations::and 26 more compile errors; the job summary lists them all"));
        Assert.That(commands[9], Is.EqualTo("::notice title=hw3-attention::Points 2/2"));
    }

    [Test]
    public void Given_more_annotations_of_several_kinds_Then_the_summary_counts_each_kind_at_the_level_of_the_worst()
    {
        var stub = new Annotation(AnnotationLevel.Warning, "CausalMask.cs", 8, 13, "still a stub", "Implement me");
        var banned = new Annotation(AnnotationLevel.Failure, "AttentionHead.cs", 17, 9, "not allowed: scaled_dot_product_attention", "Implement attention yourself.");

        var commands = CommandsFor([.. Enumerable.Range(1, 9).Select(CompileError), banned, stub, stub]);

        Assert.That(commands, Has.Length.EqualTo(GitHubActionsReport.MaxAnnotations));
        Assert.That(commands[8], Is.EqualTo("::error title=4 more annotations::and 1 more compile error, 1 more error, 2 more warnings; the job summary lists them all"));
        Assert.That(CommandsFor([stub, stub, .. Enumerable.Range(1, 9).Select(_ => stub)])[8], Does.StartWith("::warning title=3 more annotations::and 3 more warnings;"));
    }

    [Test]
    public void Given_nine_annotations_Then_all_are_emitted_with_no_summary()
    {
        var commands = CommandsFor(Enumerable.Range(1, 9).Select(CompileError));

        Assert.That(commands, Has.Length.EqualTo(10));
        Assert.That(commands.Take(9), Has.All.StartWith("::error file=AttentionHead.cs,line="));
    }

    [Test]
    public void Given_json_holding_workflow_commands_When_made_inert_Then_no_line_holds_one_and_it_parses_to_the_same_values()
    {
        var report = ReportTextTests.Dirty(RepresentativeReport.Graded());
        report = ReportText.Clean(report with { Summary = "##[add-mask]secret and ##[error]x" });
        var json = JsonReport.Write(report);

        var inert = GitHubActionsReport.Inert(json, xml: false);

        Assert.That(json, Does.Contain("##["), "the test needs a command to defuse");
        Assert.That(inert, Does.Not.Contain("##["));
        Assert.That(inert.Split('\n').Where(l => l.TrimStart().StartsWith("::", StringComparison.Ordinal)), Is.Empty);
        Assert.That(JsonReport.Read(inert).Summary, Is.EqualTo(report.Summary));
    }

    [Test]
    public void Given_junit_xml_with_multi_line_messages_holding_workflow_commands_When_made_inert_Then_no_line_holds_one_and_it_parses_to_the_same_text()
    {
        var report = ReportText.Clean(ReportTextTests.Dirty(RepresentativeReport.Graded()));
        var xml = JUnitReport.Write(new ReportView(report, RevealHidden: true));

        var inert = GitHubActionsReport.Inert(xml, xml: true);
        JUnitSchemas.AssertValid(inert);

        Assert.That(xml.Split('\n').Where(l => l.TrimStart().StartsWith("::", StringComparison.Ordinal)), Is.Not.Empty, "the test needs a command to defuse");
        Assert.That(inert.Split('\n', '\r').Where(l => l.TrimStart().StartsWith("::", StringComparison.Ordinal)), Is.Empty);
        Assert.That(inert, Does.Not.Contain("##["));
        Assert.That(XDocument.Parse(inert).ToString(), Is.EqualTo(XDocument.Parse(xml).ToString()));
    }

    [Test]
    public void Given_a_stop_commands_block_Then_its_token_is_32_random_hex_digits_fresh_each_time_and_closes_it()
    {
        var tokens = Enumerable.Range(0, 100).Select(_ => GitHubActionsReport.NewStopToken()).ToList();

        Assert.That(tokens, Has.All.Match("^[0-9a-f]{32}$"));
        Assert.That(tokens, Is.Unique);
        Assert.That(GitHubActionsReport.StopCommands(tokens[0]), Is.EqualTo($"::stop-commands::{tokens[0]}"));
        Assert.That(GitHubActionsReport.ResumeCommands(tokens[0]), Is.EqualTo($"::{tokens[0]}::"));
    }
}
