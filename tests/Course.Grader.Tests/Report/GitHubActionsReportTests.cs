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
        var xml = JUnitReport.Write(report);

        var inert = GitHubActionsReport.Inert(xml, xml: true);

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
