using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Course.Grader.Score;

namespace Course.Grader.Report;

/// <summary>JUnit XML, one testsuite per test assembly, for CI dashboards and LMS importers.</summary>
public static class JUnitReport
{
    public static string Write(GradeReport report)
    {
        static string Seconds(double s) => s.ToString("0.###", CultureInfo.InvariantCulture);
        var suites = report.Tests.GroupBy(t => t.Suite).Select(suite => new XElement("testsuite",
            new XAttribute("name", XmlSafe(suite.Key)),
            new XAttribute("tests", suite.Count()),
            new XAttribute("failures", suite.Count(t => !t.Passed)),
            new XAttribute("errors", 0),
            new XAttribute("time", Seconds(suite.Sum(t => t.DurationSeconds))),
            suite.Select(t => new XElement("testcase",
                new XAttribute("name", XmlSafe(t.Name)),
                new XAttribute("classname", XmlSafe(ClassName(t))),
                new XAttribute("time", Seconds(t.DurationSeconds)),
                new XElement("properties",
                    new XElement("property", new XAttribute("name", "score"), new XAttribute("value", ScoreStage.Format(t.Score))),
                    new XElement("property", new XAttribute("name", "max_score"), new XAttribute("value", ScoreStage.Format(t.MaxScore))),
                    new XElement("property", new XAttribute("name", "visibility"), new XAttribute("value", t.Visibility.ToString()))),
                t.Passed ? null : new XElement("failure", new XAttribute("message", XmlSafe(ReportView.FirstLine(t.Message, 500))), XmlSafe(t.Message)),
                t.Output.Length == 0 ? null : new XElement("system-out", XmlSafe(t.Output))))));
        var root = new XElement("testsuites",
            new XAttribute("name", XmlSafe(report.Assignment)),
            new XAttribute("tests", report.Tests.Count),
            new XAttribute("failures", report.Tests.Count(t => !t.Passed)),
            new XAttribute("time", Seconds(report.Tests.Sum(t => t.DurationSeconds))),
            suites);
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root).ToString();
    }

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
