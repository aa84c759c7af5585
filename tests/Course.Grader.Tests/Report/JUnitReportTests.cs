using System.Xml.Linq;
using Course.Grader.Report;
using Course.Grader.Run;
using Course.Grader.Score;
using static Course.Grader.Tests.Score.ScoreInputs;

namespace Course.Grader.Tests.Report;

public class JUnitReportTests
{
    private static XElement Write(GradeReport report, bool revealHidden = true)
    {
        var xml = JUnitReport.Write(new ReportView(report, revealHidden));
        JUnitSchemas.AssertValid(xml);
        return XDocument.Parse(xml).Root!;
    }

    [Test]
    public void Given_a_report_with_hidden_tests_shown_Then_the_xml_is_valid_and_counts_tests_and_failures()
    {
        var root = Write(RepresentativeReport.Graded());

        Assert.That(root.Name.LocalName, Is.EqualTo("testsuites"));
        Assert.That(root.Descendants("testcase").Count(), Is.EqualTo(9));
        Assert.That(root.Descendants("failure").Count(), Is.EqualTo(4));
        var suite = root.Element("testsuite")!;
        Assert.That(((string?)suite.Attribute("name"), (int)suite.Attribute("tests")!, (int)suite.Attribute("failures")!, (int)suite.Attribute("errors")!),
            Is.EqualTo((Suite, 9, 4, 0)));
        Assert.That(suite.Element("properties")!.Elements("property").Select(p => ((string?)p.Attribute("name"), (string?)p.Attribute("value"))),
            Is.EqualTo(new[] { ("assignment", "hw3-attention"), ("score", "12"), ("max_score", "26") }));
    }

    [Test]
    public void Given_hidden_tests_withheld_Then_one_testcase_stands_for_them_without_their_names_or_messages()
    {
        var xml = JUnitReport.Write(new ReportView(RepresentativeReport.Graded(), RevealHidden: false));

        JUnitSchemas.AssertValid(xml);
        var root = XDocument.Parse(xml).Root!;
        Assert.That(xml, Does.Not.Contain("Training_").And.Not.Contain("Generalises_").And.Not.Contain("Loss 2.31"));
        var hidden = root.Descendants("testcase").Last();
        Assert.That((string?)hidden.Attribute("name"), Is.EqualTo("Hidden tests"));
        Assert.That((string?)hidden.Element("failure")!.Attribute("message"), Is.EqualTo("2 of 3 hidden tests passed (6/11 points)"));
        Assert.That(root.Descendants("testcase").Count(), Is.EqualTo(7));
    }

    [Test]
    public void Given_a_compile_error_Then_every_test_is_an_error_saying_it_did_not_run()
    {
        var report = ScoreStage.Score(Input([Passed(Test("Forward_IsCausal", 2)), Passed(Test("Training_Converges", 1, "hidden"))], compileFailure: "AttentionHead.cs(3,1): error CS1002: ; expected"));

        foreach (var reveal in new[] { true, false })
        {
            var root = Write(report, reveal);
            Assert.That(root.Descendants("testcase").Select(c => c.Elements().Single().Name.LocalName), Is.EqualTo(new[] { "error", "error" }));
            Assert.That((string?)root.Descendants("error").First().Attribute("message"), Does.StartWith("Not run: AttentionHead.cs(3,1): error CS1002"));
            Assert.That(((int)root.Element("testsuite")!.Attribute("errors")!, (int)root.Element("testsuite")!.Attribute("failures")!), Is.EqualTo((2, 0)));
        }
    }

    [Test]
    public void Given_a_test_that_threw_one_that_skipped_and_one_with_no_result_Then_they_are_error_skipped_and_error()
    {
        var listed = new[] { Test("A_Throws", 1), Test("B_Skips", 1), Test("C_NeverReported", 1), Test("D_Fails", 1) };
        var report = ScoreStage.Score(Input(
            [Failed(listed[0], "System.NotImplementedException", TestOutcome.Error), Failed(listed[1], "Ignored: not yet", TestOutcome.Skipped), Failed(listed[3])],
            listed: listed));

        var root = Write(report);

        Assert.That(root.Descendants("testcase").Select(c => c.Elements().Single().Name.LocalName), Is.EqualTo(new[] { "error", "skipped", "error", "failure" }));
        var suite = root.Element("testsuite")!;
        Assert.That(((int)suite.Attribute("errors")!, (int)suite.Attribute("skipped")!, (int)suite.Attribute("failures")!), Is.EqualTo((2, 1, 1)));
    }

    [Test]
    public void Given_a_failed_test_Then_its_failure_carries_the_first_line_as_message_and_the_whole_message_as_text()
    {
        var report = Graded(Failed(Test("Mask_HidesTheFuture", 3), "Position 2 attends to 3.\n  Expected: 0\n  But was: 0.25"));

        var failure = Write(report).Descendants("failure").Single();

        Assert.That((string?)failure.Attribute("message"), Is.EqualTo("Position 2 attends to 3."));
        Assert.That(failure.Value, Is.EqualTo("Position 2 attends to 3.\n  Expected: 0\n  But was: 0.25"));
    }

    [Test]
    public void Given_a_case_of_a_parameterised_test_Then_its_classname_is_the_fixture_and_its_suite_carries_the_points()
    {
        var cases = Cases("Softmax_SumsToOne", 2, points: 3);

        var root = Write(Graded(Passed(cases[0]), Failed(cases[1])));

        Assert.That((string?)root.Descendants("testcase").First().Attribute("classname"), Is.EqualTo(Fixture));
        Assert.That(root.Descendants("property").Select(p => ((string?)p.Attribute("name"), (string?)p.Attribute("value"))),
            Is.EqualTo(new[] { ("assignment", "hw3-attention"), ("score", "1.5"), ("max_score", "3") }));
    }

    [Test]
    public void Given_test_output_Then_it_goes_to_the_suites_system_out_under_the_tests_name()
    {
        var root = Write(Graded(Failed(Test("Mask_HidesTheFuture", 3), "Expected: 0", output: "pattern = [1, 0]")));

        Assert.That(root.Element("testsuite")!.Element("system-out")!.Value, Is.EqualTo("--- AttentionHeadTests.Mask_HidesTheFuture ---\npattern = [1, 0]\n"));
    }

    [Test]
    public void Given_control_characters_in_a_message_or_output_Then_the_xml_still_parses()
    {
        var report = Graded(Failed(Test("Tokenizer_Decodes", 1), "decoded \u0000\u001b[31m wrong\uD800", output: "bytes: \u0001\u0002"));

        var failure = Write(report).Descendants("failure").Single();

        Assert.That(failure.Value, Does.Contain("decoded").And.Contain("wrong"));
    }

    [Test]
    public void Given_properties_inside_a_testcase_or_attributes_on_testsuites_Then_the_schemas_reject_them()
    {
        const string suite = """<testsuite name="S" package="S" id="0" timestamp="2025-03-01T12:00:00" hostname="localhost" tests="1" failures="0" errors="0" time="0">""";
        const string testcase = """<testcase name="T" classname="C" time="0">""";
        var withTestcaseProperties = $"""<testsuites>{suite}<properties/>{testcase}<properties><property name="score" value="1"/></properties></testcase><system-out/><system-err/></testsuite></testsuites>""";
        var valid = withTestcaseProperties.Replace("""<properties><property name="score" value="1"/></properties>""", "");

        JUnitSchemas.AssertValid(valid);
        foreach (var name in JUnitSchemas.Names)
            Assert.That(JUnitSchemas.Problems(withTestcaseProperties, name), Is.Not.Empty, name);
        Assert.That(JUnitSchemas.Problems(valid.Replace("<testsuites>", """<testsuites tests="1">"""), "JUnit.xsd"), Is.Not.Empty);
    }
}
