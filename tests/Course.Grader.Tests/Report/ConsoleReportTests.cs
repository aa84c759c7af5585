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
    public void Given_hidden_tests_revealed_When_written_Then_every_test_is_a_row_and_there_is_no_hidden_row()
    {
        var output = Render(new ReportView(RepresentativeReport.Graded(), RevealHidden: true));

        Assert.That(output, Does.Contain("AttentionHeadTests.Training_Converges").And.Not.Contain("HIDDEN"));
    }

    [Test, SetCulture("de-DE")]
    public void Given_a_culture_with_a_decimal_comma_When_written_Then_numbers_still_use_a_decimal_point()
    {
        var output = Render(new ReportView(RepresentativeReport.Graded(), RevealHidden: false));

        Assert.That(output, Does.Contain("Score: 12/26 (46.2%)"));
    }
}
