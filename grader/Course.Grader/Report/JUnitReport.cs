using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Course.Grader.Run;
using Course.Grader.Score;

namespace Course.Grader.Report;

/// <summary>
/// JUnit XML, one testsuite per test assembly, for CI dashboards and LMS importers. It validates against the strict
/// schemas readers check it with (Jenkins' junit-10.xsd and the Ant schema from windyroad), so it keeps to what both
/// allow: no attributes on <c>testsuites</c>, <c>properties</c> only on a testsuite, at most one of <c>failure</c>,
/// <c>error</c> or <c>skipped</c> in a testcase and no output there (a suite's <c>system-out</c> holds it). A test that
/// did not run, threw or gave no result is an <c>error</c>. Tests the view withholds appear only as one
/// "Hidden tests" testcase per suite, which fails when one of them failed and says how many passed, and whose time, like a
/// suite's, counts none of theirs (see <see cref="ReportView"/>).
/// </summary>
public static class JUnitReport
{
    public static string Write(ReportView view)
    {
        var report = view.Report;
        var suites = report.Tests.GroupBy(t => t.Suite).Select((suite, id) =>
        {
            var shown = suite.Where(view.IsShown).Select(view.AsShown).ToList();
            var withheld = suite.Where(t => !view.IsShown(t)).ToList();
            var cases = shown.Select(t => TestCase(t.Name, ClassName(t), t.DurationSeconds, t.Outcome, t.Message)).ToList();
            if (withheld.Count > 0)
                cases.Add(TestCase("Hidden tests", suite.Key, 0,
                    withheld.Any(t => t.Outcome == TestOutcome.Error) ? TestOutcome.Error : withheld.All(t => t.Passed) ? TestOutcome.Passed : TestOutcome.Failed,
                    $"{withheld.Count(t => t.Passed)} of {withheld.Count} hidden tests passed " +
                    $"({ScoreStage.Format(withheld.Sum(t => t.Score))}/{ScoreStage.Format(withheld.Sum(t => t.MaxScore))} points)"));
            var name = suite.Key.Trim().Length > 0 ? suite.Key : report.Assignment;
            return new XElement("testsuite",
                new XAttribute("name", XmlSafe(name)),
                new XAttribute("package", XmlSafe(name)),
                new XAttribute("id", id),
                new XAttribute("timestamp", report.GradedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)),
                new XAttribute("hostname", "localhost"),
                new XAttribute("tests", cases.Count),
                new XAttribute("failures", cases.Count(c => c.Element("failure") is not null)),
                new XAttribute("errors", cases.Count(c => c.Element("error") is not null)),
                new XAttribute("skipped", cases.Count(c => c.Element("skipped") is not null)),
                new XAttribute("time", Seconds(shown.Sum(t => t.DurationSeconds))),
                new XElement("properties",
                    Property("assignment", report.Assignment),
                    Property("score", ScoreStage.Format(suite.Sum(t => t.Score))),
                    Property("max_score", ScoreStage.Format(suite.Sum(t => t.MaxScore)))),
                cases,
                new XElement("system-out", XmlSafe(string.Concat(shown.Where(t => t.Output.Length > 0).Select(t => $"--- {t.Name} ---\n{t.Output}\n")))),
                new XElement("system-err"));
        });
        return new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("testsuites", suites)).ToString();
    }

    static XElement TestCase(string name, string className, double seconds, TestOutcome outcome, string message) =>
        new("testcase",
            new XAttribute("name", XmlSafe(name)),
            new XAttribute("classname", XmlSafe(className)),
            new XAttribute("time", Seconds(seconds)),
            outcome switch
            {
                TestOutcome.Passed => null,
                TestOutcome.Skipped => new XElement("skipped", new XAttribute("message", XmlSafe(ReportView.FirstLine(message, 500))), XmlSafe(message)),
                _ => new XElement(outcome == TestOutcome.Error ? "error" : "failure",
                    new XAttribute("message", XmlSafe(ReportView.FirstLine(message, 500))),
                    new XAttribute("type", outcome == TestOutcome.Error ? "error" : "failure"),
                    XmlSafe(message)),
            });

    static XElement Property(string name, string value) => new("property", new XAttribute("name", name), new XAttribute("value", XmlSafe(value)));

    static string Seconds(double s) => s.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>
    /// Replaces what XML 1.0 cannot hold (NUL, most control characters, lone surrogates) with U+FFFD:
    /// test output and messages are arbitrary text, and one such character would make the writer throw.
    /// </summary>
    static string XmlSafe(string text)
    {
        var safe = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i])) safe.Append(text, i++, 2);
            else safe.Append(XmlConvert.IsXmlChar(text[i]) ? text[i] : '\uFFFD');
        }
        return safe.ToString();
    }

    static string ClassName(TestGrade test)
    {
        var method = test.Method ?? test.FullName;
        var dot = method.LastIndexOf('.', method.IndexOf('(') is var paren and >= 0 ? paren : method.Length - 1);
        return dot > 0 ? method[..dot] : test.Suite;
    }
}
