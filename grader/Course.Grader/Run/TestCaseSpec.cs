using System.Globalization;
using System.Text.Json.Serialization;

namespace Course.Grader.Run;

/// <summary>
/// What a test case is, independent of how it ran: its names and the NUnit properties it carries,
/// merged from the test and its fixtures and suites (the nearest value wins).
/// </summary>
/// <param name="Suite">The test assembly's name, e.g. Hw3.Attention.Tests.</param>
/// <param name="ParameterizedMethod">For a case of a parameterised test: the method's full name, over whose cases its points are split.</param>
/// <param name="CaseCount">For a case of a parameterised test: how many cases the method has; 1 otherwise.</param>
public sealed record TestCaseSpec(
    string FullName,
    string Name,
    string ClassName,
    string Suite,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Properties,
    string? ParameterizedMethod,
    int CaseCount)
{
    public const string PointsProperty = "Points";
    public const string VisibilityProperty = "Visibility";

    /// <summary>Set by the SDK's <c>Golden</c> on a test that opened a public golden's hidden replay (its <c>OnOtherInputsProperty</c>).</summary>
    public const string OnOtherInputsProperty = "GoldenOnOtherInputs";

    /// <summary>The test's <c>[Points]</c>, or null when it has none.</summary>
    [JsonIgnore]
    public double? Points =>
        Property(PointsProperty) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var points)
            ? points
            : null;

    /// <summary>The test's <c>[Visibility]</c> wire name (visible, hidden, after_due_date), or null when it has none.</summary>
    [JsonIgnore]
    public string? Visibility => Property(VisibilityProperty);

    /// <summary>
    /// Whether the test ran on a public golden's hidden replay, as the test process reports it. Homework code is compiled
    /// without NUnit (<c>HomeworkReferences</c>), so it can neither set nor clear the mark; and the mark only ever withholds
    /// the test's own message and output from a student's report.
    /// </summary>
    [JsonIgnore]
    public bool OnOtherInputs => Property(OnOtherInputsProperty) == "true";

    /// <summary>
    /// In a grade with the hidden tests, a public test that can open a golden file, read from the trusted test code
    /// (<c>GoldenReaders</c>): it runs on the golden's hidden replay, after every test whose message a student reads, and
    /// a student's report withholds its message and output until the due date. Set by the grader, never from a test process.
    /// </summary>
    [JsonIgnore]
    public bool ReplaysGolden { get; init; }

    /// <summary>
    /// Whether the test lives in the hidden tests (<c>assignments/&lt;id&gt;/tests</c>): such a test is hidden unless it
    /// says <c>after_due_date</c>, whatever else its attributes or the manifest say. Set by the grader from where it read
    /// the test, never from what a test process reports.
    /// </summary>
    [JsonIgnore]
    public bool InHiddenSuite { get; init; }

    /// <summary>The first value of a property, or null.</summary>
    public string? Property(string name) =>
        Properties.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;
}
