using System.Text.Json.Serialization;
using Course.Grader.Manifest;
using Course.Grader.Run;
using Course.Grader.Sandbox;

namespace Course.Grader.Score;

public enum GradeStatus
{
    /// <summary>The tests ran; the score says how well.</summary>
    Graded,
    /// <summary>The homework did not compile: every test scores zero, and the errors are annotated.</summary>
    CompileError,
    /// <summary>The manifest's policy refuses submissions that use a banned API.</summary>
    Rejected,
}

/// <summary>Where a grade came from, so that it can be reproduced and audited.</summary>
/// <param name="TestSuiteHash">SHA-256 over the tests, goldens and manifest the submission was graded with.</param>
/// <param name="SubmissionCommit">The graded git commit, when the submission came from a repository.</param>
public sealed record Provenance(string GraderVersion, string TestSuiteHash, string? SubmissionCommit, string SubmissionSource);

/// <summary>A place in the student's code worth pointing at: a compile error, a banned call, a stub left in.</summary>
public sealed record Annotation(AnnotationLevel Level, string File, int Line, int Column, string Title, string Message)
{
    /// <summary>The title of a stub left in: the starter's NotImplementedException, still in place.</summary>
    public const string StillAStub = "still a stub";
}

public enum AnnotationLevel
{
    Notice,
    Warning,
    Failure,
}

/// <summary>One test as graded.</summary>
/// <param name="Method">For a case of a parameterised test, the method whose points its cases share.</param>
public sealed record TestGrade(
    string Name,
    string FullName,
    string Suite,
    string? Method,
    bool Passed,
    double Score,
    double MaxScore,
    TestVisibility Visibility,
    string Message,
    string Output,
    double DurationSeconds)
{
    readonly TestOutcome? outcome;

    /// <summary>
    /// How it ended: <see cref="TestOutcome.Error"/> when it did not run (the homework did not compile, the submission was
    /// refused, the run stopped first), threw or gave no result, <see cref="TestOutcome.Skipped"/> when it chose not to run.
    /// </summary>
    public TestOutcome Outcome { get => outcome ?? (Passed ? TestOutcome.Passed : TestOutcome.Failed); init => outcome = value; }

    /// <summary>
    /// A visible test that ran on a public golden's hidden replay: its message quotes the replay's expected values and its
    /// output may show the replay's inputs, so a student's report withholds both until the due date (<c>ReportView</c>).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool OnOtherInputs { get; init; }
}

/// <summary>
/// The grade of one submission: the score, each test, and what to annotate. The same submission graded
/// twice gives an identical report apart from <see cref="GradedAt"/> and the durations.
/// </summary>
public sealed record GradeReport(
    int SchemaVersion,
    string Assignment,
    string Title,
    GradeStatus Status,
    double Score,
    double MaxScore,
    string Summary,
    IReadOnlyList<TestGrade> Tests,
    IReadOnlyList<Annotation> Annotations,
    Provenance Provenance,
    DateTimeOffset GradedAt)
{
    public const int CurrentSchemaVersion = 1;

    public double Percent => MaxScore == 0 ? 0 : 100 * Score / MaxScore;

    /// <summary>The sandbox layers the student's code ran under, each active or not with the reason; empty when nothing ran.</summary>
    public IReadOnlyList<SandboxLayer> Sandbox { get; init; } = [];

    /// <summary>
    /// How many times a worker ended before the tests did (a hang, a crash, a limit; see <see cref="RunResult.Incidents"/>).
    /// For <c>course validate</c>'s shared runs; not part of a report's formats.
    /// </summary>
    internal int RunIncidents { get; init; }

    /// <summary>"all 11 sandbox layers were active", or which were not and why; null when nothing ran.</summary>
    public string? SandboxNote => Sandbox.Count == 0 ? null
        : Sandbox.All(l => l.Active) ? $"Student code ran in a sandbox with all {Sandbox.Count} layers active ({string.Join(", ", Sandbox.Select(l => l.Name))})."
        : $"Student code ran in a sandbox with {Sandbox.Count(l => l.Active)} of {Sandbox.Count} layers active; not active: " +
          string.Join("; ", Sandbox.Where(l => !l.Active).Select(l => $"{l.Name} ({l.Detail})")) + ".";
}
