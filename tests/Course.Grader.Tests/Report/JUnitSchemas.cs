using System.Xml;
using System.Xml.Schema;

namespace Course.Grader.Tests.Report;

/// <summary>
/// The strict JUnit schemas that JUnit readers check reports with: Jenkins' junit-10.xsd and the Ant schema from
/// windyroad (unchanged copies in Report/Schemas). A report must validate against each without an error or a warning.
/// </summary>
internal static class JUnitSchemas
{
    public static readonly IReadOnlyList<string> Names = ["junit-10.xsd", "JUnit.xsd"];

    /// <summary>Every error and warning the schema <paramref name="name"/> finds in <paramref name="xml"/>.</summary>
    public static IReadOnlyList<string> Problems(string xml, string name)
    {
        var schemas = new XmlSchemaSet();
        using (var stream = typeof(JUnitSchemas).Assembly.GetManifestResourceStream($"JUnitSchemas.{name}")!)
            schemas.Add(null, XmlReader.Create(stream));
        var problems = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = schemas };
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings;
        settings.ValidationEventHandler += (_, e) => problems.Add($"{e.Severity} at {e.Exception.LineNumber}:{e.Exception.LinePosition}: {e.Message}");
        using (var reader = XmlReader.Create(new StringReader(xml), settings))
            while (reader.Read()) { }
        return problems;
    }

    /// <summary>Fails the test unless <paramref name="xml"/> is valid under every schema.</summary>
    public static void AssertValid(string xml)
    {
        foreach (var name in Names)
            Assert.That(Problems(xml, name), Is.Empty, $"{name} rejects:\n{xml}");
    }
}
