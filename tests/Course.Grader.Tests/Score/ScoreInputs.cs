using Course.Grader.Analyze;
using Course.Grader.Manifest;
using Course.Grader.Run;
using Course.Grader.Score;

namespace Course.Grader.Tests.Score;

/// <summary>Builds <see cref="ScoreInput"/> records for scoring tests: one fixture, fixed provenance and time.</summary>
internal static class ScoreInputs
{
    public const string Suite = "Hw3.Attention.Tests";
    public const string Fixture = "Hw3.Attention.Tests.AttentionHeadTests";
    public static readonly DateTimeOffset GradedAt = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly Provenance FixedProvenance = new("1.2.3", "0123456789abcdef0123", "fedcba9876543210fedc", "https://example.org/student/hw3");

    public static AssignmentManifest Hw3Manifest(
        BannedPolicy policy = BannedPolicy.ZeroTests, IReadOnlyDictionary<string, TestOverride>? overrides = null) =>
        new("hw3-attention", "Attention from scratch", "Hw3.Attention", Suite, "tests", ["AttentionHead.cs"],
            [new BannedApi("M:TorchSharp.torch.nn.functional.scaled_dot_product_attention", "Implement attention yourself.")],
            policy, AssignmentLimits.Default, overrides ?? new Dictionary<string, TestOverride>());

    /// <summary>A plain test of the fixture, e.g. <c>Test("Forward_IsCausal", points: 2)</c>.</summary>
    public static TestCaseSpec Test(string name, double? points = null, string? visibility = null) =>
        new($"{Fixture}.{name}", name, Fixture, Suite, Properties(points, visibility), null, 1);

    /// <summary>One case of a parameterised method, e.g. <c>Case("Softmax_SumsToOne", "(1)", 3, points: 6)</c>.</summary>
    public static TestCaseSpec Case(string method, string arguments, int caseCount, double? points = null, string? visibility = null) =>
        new($"{Fixture}.{method}{arguments}", method + arguments, Fixture, Suite, Properties(points, visibility), $"{Fixture}.{method}", caseCount);

    /// <summary>Every case of a parameterised method, with arguments (1), (2), ...</summary>
    public static TestCaseSpec[] Cases(string method, int count, double? points = null, string? visibility = null) =>
        [.. Enumerable.Range(1, count).Select(i => Case(method, $"({i})", count, points, visibility))];

    public static TestCaseResult Passed(TestCaseSpec test, double seconds = 0.25) => new(test, TestOutcome.Passed, "", "", seconds, "");

    public static TestCaseResult Failed(TestCaseSpec test, string message = "Expected: 1\n  But was: 2", TestOutcome outcome = TestOutcome.Failed, string output = "") =>
        new(test, outcome, message, "at AttentionHeadTests.cs:line 12", 0.5, output);

    public static AnalysisFinding Banned(string file = "AttentionHead.cs", int line = 17) =>
        new(FindingKind.BannedApi, file, line, 9, "scaled_dot_product_attention", "Implement attention yourself.", "M:Hw3.Attention.AttentionHead.forward");

    /// <param name="listed">The trusted test list; null: exactly the tests of <paramref name="results"/>.</param>
    public static ScoreInput Input(
        IEnumerable<TestCaseResult> results,
        AssignmentManifest? manifest = null,
        IReadOnlyDictionary<string, AnalysisFinding>? bannedReached = null,
        IReadOnlyList<Annotation>? annotations = null,
        string? compileFailure = null,
        IEnumerable<TestCaseSpec>? listed = null,
        string? refusal = null)
    {
        var reported = results.ToList();
        return new(manifest ?? Hw3Manifest(), [.. listed ?? reported.Select(r => r.Test)], reported, bannedReached ?? new Dictionary<string, AnalysisFinding>(),
            annotations ?? [], compileFailure, FixedProvenance, GradedAt, refusal);
    }

    public static GradeReport Graded(params TestCaseResult[] results) => ScoreStage.Score(Input(results));

    static Dictionary<string, IReadOnlyList<string>> Properties(double? points, string? visibility)
    {
        var properties = new Dictionary<string, IReadOnlyList<string>>();
        if (points is { } p) properties[TestCaseSpec.PointsProperty] = [p.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        if (visibility is not null) properties[TestCaseSpec.VisibilityProperty] = [visibility];
        return properties;
    }
}
