using System.Xml.Linq;
using Course.Grader.Report;
using static Course.Grader.Tests.Score.ScoreInputs;

namespace Course.Grader.Tests.Report;

public class JUnitReportTests
{
    [Test]
    public void Given_a_report_Then_the_xml_parses_and_counts_tests_and_failures()
    {
        var report = RepresentativeReport.Graded();

        var root = XDocument.Parse(JUnitReport.Write(report)).Root!;

        Assert.That(root.Name.LocalName, Is.EqualTo("testsuites"));
        Assert.That(((int)root.Attribute("tests")!, (int)root.Attribute("failures")!), Is.EqualTo((9, 4)));
        Assert.That(root.Descendants("testcase").Count(), Is.EqualTo(9));
        Assert.That(root.Descendants("failure").Count(), Is.EqualTo(4));
        var suite = root.Element("testsuite")!;
        Assert.That(((string?)suite.Attribute("name"), (int)suite.Attribute("tests")!, (int)suite.Attribute("failures")!), Is.EqualTo((Suite, 9, 4)));
    }

    [Test]
    public void Given_a_failed_test_Then_its_failure_carries_the_first_line_as_message_and_the_whole_message_as_text()
    {
        var report = Graded(Failed(Test("Mask_HidesTheFuture", 3), "Position 2 attends to 3.\n  Expected: 0\n  But was: 0.25"));

        var failure = XDocument.Parse(JUnitReport.Write(report)).Descendants("failure").Single();

        Assert.That((string?)failure.Attribute("message"), Is.EqualTo("Position 2 attends to 3."));
        Assert.That(failure.Value, Is.EqualTo("Position 2 attends to 3.\n  Expected: 0\n  But was: 0.25"));
    }

    [Test]
    public void Given_a_case_of_a_parameterised_test_Then_its_classname_is_the_fixture_and_it_carries_its_points()
    {
        var cases = Cases("Softmax_SumsToOne", 2, points: 3);

        var testcase = XDocument.Parse(JUnitReport.Write(Graded(Passed(cases[0]), Failed(cases[1])))).Descendants("testcase").First();

        Assert.That((string?)testcase.Attribute("classname"), Is.EqualTo(Fixture));
        Assert.That(testcase.Descendants("property").Select(p => ((string?)p.Attribute("name"), (string?)p.Attribute("value"))),
            Is.EqualTo(new[] { ("score", "1.5"), ("max_score", "1.5"), ("visibility", "Visible") }));
    }

    [Test]
    public void Given_control_characters_in_a_message_or_output_Then_the_xml_still_parses()
    {
        var report = Graded(Failed(Test("Tokenizer_Decodes", 1), "decoded \u0000\u001b[31m wrong\uD800", output: "bytes: \u0001\u0002"));

        var failure = XDocument.Parse(JUnitReport.Write(report)).Descendants("failure").Single();

        Assert.That(failure.Value, Does.Contain("decoded").And.Contain("wrong"));
    }
}
