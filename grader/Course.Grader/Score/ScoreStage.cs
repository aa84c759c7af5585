using Course.Grader.Analyze;
using Course.Grader.Manifest;
using Course.Grader.Run;

namespace Course.Grader.Score;

/// <summary>What scoring needs, and nothing else.</summary>
/// <param name="BannedReached">For each test (by full name), the banned API use in the homework it can reach.</param>
/// <param name="CompileFailure">Set when the homework did not compile: the tests in Results are the ones it would have run.</param>
public sealed record ScoreInput(
    AssignmentManifest Manifest,
    IReadOnlyList<TestCaseResult> Results,
    IReadOnlyDictionary<string, AnalysisFinding> BannedReached,
    IReadOnlyList<Annotation> Annotations,
    string? CompileFailure,
    Provenance Provenance,
    DateTimeOffset GradedAt);

/// <summary>
/// Turns test results into points: a pure function of the manifest and the results. A test's points come
/// from the manifest's override, else its <c>[Points]</c>; a parameterised test's points are split evenly over
/// its cases. A test scores its points only when it passed and reaches no banned API.
/// </summary>
public static class ScoreStage
{
    public static GradeReport Score(ScoreInput input)
    {
        var manifest = input.Manifest;
        var violations = input.BannedReached.Values.Distinct().ToList();
        var rejected = manifest.BannedPolicy == BannedPolicy.Reject && violations.Count > 0;
        var tests = input.Results
            .OrderBy(r => r.Test.Suite, StringComparer.Ordinal).ThenBy(r => r.Test.FullName, StringComparer.Ordinal)
            .Select(r => Grade(r, manifest, BannedFor(r.Test, input.BannedReached), rejected, input.CompileFailure))
            .ToList();
        var status = input.CompileFailure is not null ? GradeStatus.CompileError : rejected ? GradeStatus.Rejected : GradeStatus.Graded;
        double score = Round(tests.Sum(t => t.Score)), max = Round(tests.Sum(t => t.MaxScore));
        return new GradeReport(
            GradeReport.CurrentSchemaVersion, manifest.Id, manifest.Title, status, score, max,
            Summarise(status, score, max, tests, violations, input.CompileFailure),
            tests, input.Annotations, input.Provenance, input.GradedAt);
    }

    /// <summary>The points a test is worth: its share of the manifest's or the attribute's points.</summary>
    public static double PointsOf(TestCaseSpec test, AssignmentManifest manifest)
    {
        var points = Override(test, manifest)?.Points ?? test.Points ?? 0;
        return test.ParameterizedMethod is null || test.CaseCount <= 1 ? points : points / test.CaseCount;
    }

    public static TestVisibility VisibilityOf(TestCaseSpec test, AssignmentManifest manifest) =>
        Override(test, manifest)?.Visibility ?? test.Visibility switch
        {
            "hidden" => TestVisibility.Hidden,
            "after_due_date" => TestVisibility.AfterDueDate,
            _ => TestVisibility.Visible,
        };

    /// <summary>The banned use a test reaches, keyed by its full name or, for a case, by its method.</summary>
    static AnalysisFinding? BannedFor(TestCaseSpec test, IReadOnlyDictionary<string, AnalysisFinding> reached) =>
        reached.GetValueOrDefault(test.FullName)
        ?? (test.ParameterizedMethod is { } method ? reached.GetValueOrDefault(method) : null)
        ?? (test.FullName.IndexOf('(') is var paren and > 0 ? reached.GetValueOrDefault(test.FullName[..paren]) : null);

    static TestOverride? Override(TestCaseSpec test, AssignmentManifest manifest) =>
        manifest.Tests.GetValueOrDefault(test.FullName)
        ?? (test.ParameterizedMethod is { } method ? manifest.Tests.GetValueOrDefault(method) : null);

    static TestGrade Grade(TestCaseResult result, AssignmentManifest manifest, AnalysisFinding? banned, bool rejected, string? compileFailure)
    {
        var max = PointsOf(result.Test, manifest);
        var message = result.Message;
        var earned = result.Passed;
        if (compileFailure is not null)
        {
            earned = false;
            message = $"Not run: {compileFailure}";
        }
        else if (banned is not null)
        {
            earned = false;
            var verdict = rejected ? "The submission was refused" : "Scored 0";
            message = $"{verdict}: this test reaches {banned.Api} at {banned.File}:{banned.Line}, which is not allowed here. {banned.Message}"
                      + (result.Passed ? "" : $"\n{result.Message}");
        }
        return new TestGrade(
            DisplayName(result.Test), result.Test.FullName, result.Test.Suite, result.Test.ParameterizedMethod,
            earned, earned ? Round(max) : 0, Round(max), VisibilityOf(result.Test, manifest),
            message, result.Output, result.DurationSeconds);
    }

    /// <summary>"AttentionHeadTests.Forward_IsCausal": the fixture's short name keeps same-named tests apart.</summary>
    static string DisplayName(TestCaseSpec test) =>
        test.ClassName.Length == 0 ? test.Name : $"{test.ClassName[(test.ClassName.LastIndexOf('.') + 1)..]}.{test.Name}";

    static string Summarise(GradeStatus status, double score, double max, IReadOnlyList<TestGrade> tests, IReadOnlyList<AnalysisFinding> violations, string? compileFailure)
    {
        var passed = tests.Count(t => t.Passed);
        var head = $"{Format(score)}/{Format(max)} points; {passed} of {tests.Count} tests passed.";
        return status switch
        {
            GradeStatus.CompileError => $"{head} Your code did not compile, so no test could run: {compileFailure}",
            GradeStatus.Rejected => $"{head} The submission was refused: it uses {violations[0].Api} at {violations[0].File}:{violations[0].Line}. {violations[0].Message}",
            _ when violations.Count > 0 => $"{head} Tests that reach a banned API score 0: {string.Join(", ", violations.Select(v => $"{v.Api} at {v.File}:{v.Line}").Distinct())}.",
            _ => head,
        };
    }

    static double Round(double value) => Math.Round(value, 4, MidpointRounding.AwayFromZero);

    public static string Format(double points) => points.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}
